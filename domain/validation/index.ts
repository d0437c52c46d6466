export * from './rule';
export * from './text';
export * from './phone';
export * from './email';
export * from './address';
export * from './card';
export * from './currency';
