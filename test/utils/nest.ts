import * as path from 'path';
import { FIXTURES } from './server';

export type Platform = 'express' | 'fastify';
export const PLATFORMS: Platform[] = ['express', 'fastify'];

/** A Nest application as test/fixtures/nest/app.js starts it. */
export interface NestApp {
  close(): Promise<void>;
  get(token: unknown): any;
  getHttpAdapter(): { reply(response: unknown, body: unknown, status: number): unknown; getInstance(): any };
  setGlobalPrefix(prefix: string, options?: { exclude?: string[] }): void;
  enableVersioning(options: object): void;
  useGlobalFilters(...filters: object[]): void;
}

export type Handler = (this: unknown, ...args: any[]) => unknown;
type Decorator = (...args: any[]) => any;

/** test/fixtures/nest/app.js, and the Nest packages its apps are built with. */
export interface NestFixture {
  startNest(options: {
    platform: Platform;
    controllers: unknown[];
    configure?: (app: NestApp) => void;
    middleware?: Handler;
    prepareAdapter?: (adapter: Record<string, unknown>) => void;
  }): Promise<{ app: NestApp; port: number }>;
  usersController(findOne: Handler, options?: { options?: unknown; classDecorators?: Decorator[] }): unknown;
  streamingController(fail: () => never): unknown;
  deferringFilter(): new (applicationRef?: unknown) => object;
  answeringFilter(status: number): new () => object;
  controller(name: string, classDecorators: Decorator[], handlers: Record<string, RouteHandler>): unknown;
  common: Record<string, any>;
  core: Record<string, any>;
}

export interface RouteHandler {
  route: Decorator[];
  params?: Decorator[];
  handle: Handler;
}

/*
 * Required on first use, once the instrumentation is enabled: its require
 * hooks patch @nestjs/core as it loads (as they would in an app that
 * registers the instrumentation first).
 */
export function nestFixture(): NestFixture {
  const app = require(path.join(FIXTURES, 'nest', 'app.js'));
  return { ...app, common: require('@nestjs/common'), core: require('@nestjs/core') };
}

/** Starts Nest apps on `platform` for the current suite; closes them after each test. */
export function useNest(platform: Platform) {
  const apps: NestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map(app => app.close()));
  });
  return async (controllers: unknown[], configure?: (app: NestApp) => void, middleware?: Handler): Promise<number> => {
    const { app, port } = await nestFixture().startNest({ platform, controllers, configure, middleware });
    apps.push(app);
    return port;
  };
}
