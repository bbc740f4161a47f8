// Stands in for the `ws` package in the browser build: the SDK asks for `ws` only under Node and
// uses the browser's own WebSocket otherwise, so this is never called in a page.
export const WebSocket = globalThis.WebSocket;
