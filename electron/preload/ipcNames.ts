/** The two IPC channel names between the preload and the main process; every console call rides on the first. */
export const IPC_INVOKE = 'caredesk:invoke';
export const IPC_EVENT = 'caredesk:event';
