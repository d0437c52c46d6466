export * from './fieldPolicy';
export * from './masking';
export * from './project';
