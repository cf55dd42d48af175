import * as path from 'path';
import type * as NestCommon from '@nestjs/common';
import type * as NestCore from '@nestjs/core';
import { FIXTURES } from './server';

export type Platform = 'express' | 'fastify';
export const PLATFORMS: Platform[] = ['express', 'fastify'];

/** A Nest application as test/fixtures/nest/app.js starts it. */
export interface NestApp {
  close(): Promise<void>;
  get(token: unknown): unknown;
  getHttpAdapter(): { reply(response: unknown, body: unknown, status: number): unknown; getInstance(): unknown };
  setGlobalPrefix(prefix: string, options?: { exclude?: string[] }): void;
  enableVersioning(options: object): void;
  useGlobalFilters(...filters: object[]): void;
}

export type Handler = (this: unknown, ...args: never[]) => unknown;

/** test/fixtures/nest/app.js, and the Nest packages its apps are built with. */
export interface NestFixture {
  startNest: (options: {
    platform: Platform;
    controllers: unknown[];
    configure?: (app: NestApp) => void;
    middleware?: Handler;
    prepareAdapter?: (adapter: Record<string, unknown>) => void;
  }) => Promise<{ app: NestApp; port: number }>;
  usersController: (findOne: Handler, options?: { options?: unknown; classDecorators?: ClassDecorator[] }) => unknown;
  streamingController: (fail: () => never) => unknown;
  deferringFilter: () => new (applicationRef?: unknown) => object;
  answeringFilter: (status: number) => new () => object;
  controller: (name: string, classDecorators: ClassDecorator[], handlers: Record<string, RouteHandler>) => unknown;
  common: typeof NestCommon;
  core: typeof NestCore;
}

export interface RouteHandler {
  route: MethodDecorator[];
  params?: ParameterDecorator[];
  handle: Handler;
}

/*
 * Required on first use, once the instrumentation is enabled: its require
 * hooks patch @nestjs/core as it loads (as they would in an app that
 * registers the instrumentation first).
 */
export function nestFixture(): NestFixture {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded once the instrumentation is enabled, for its require hooks */
  const app = require(path.join(FIXTURES, 'nest', 'app.js')) as Omit<NestFixture, 'common' | 'core'>;
  return {
    ...app,
    common: require('@nestjs/common') as typeof NestCommon,
    core: require('@nestjs/core') as typeof NestCore,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
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
