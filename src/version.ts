// Kept in step with package.json (test/version.test.ts checks it).
export const PACKAGE_NAME = 'otel-request-signals';
export const PACKAGE_VERSION = '0.1.0';
