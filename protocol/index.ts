/** The shared protocol: schemas and types every part agrees on. */
export * from './search';
export * from './status';
export * from './settings';
export * from './errors';
export * from './requests';
export * from './webview';
