/** What the status bar and the disconnect banner show about the link to the backend. */
export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';

export type ConnectionListener = (status: ConnectionStatus, detail?: string) => void;
