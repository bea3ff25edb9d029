// The client's view of the custom protocol: one declaration shared with the server.
export * from '../../server/src/lsp/protocol';
