import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { baseUrl } from '../support/base-url';
import { spawnBuiltEntryPoint, type SpawnedEntryPoint } from '../support/entry-points';
import { freePort } from '../support/free-port';
import { productionEnv } from '../support/loopback-infra';
import { waitForReady } from '../support/platform-http';
import { startFakePostmark, type FakePostmark } from '../support/postmark-server';
import { startClusterInfra, type ClusterInfra } from './cluster-infra';

type Role = 'api' | 'worker';

const LOG_DIR = path.resolve(__dirname, '../../test-artifacts/resilience');

interface Member {
  role: Role;
  index: number;
  port: number;
  process: SpawnedEntryPoint;
}

/**
 * The production build as a deployment runs it: two API and two worker processes on loopback
 * against one PostgreSQL, a Temporal cluster (frontend, history, matching and worker processes on
 * that PostgreSQL) and a Postmark-like server. Every process can be killed and started again on
 * its own port.
 */
export class Fleet {
  readonly superAdmin = { email: 'boss@example.test', password: randomBytes(12).toString('hex') };
  private readonly members: Member[] = [];

  private constructor(
    readonly infra: ClusterInfra,
    readonly postmark: FakePostmark,
    private readonly env: Record<string, string>,
  ) {}

  static async start(): Promise<Fleet> {
    const [infra, postmark] = await Promise.all([startClusterInfra(), startFakePostmark()]);
    const fleet = new Fleet(infra, postmark, {
      ...productionEnv(infra, 'resilience'),
      POSTMARK_SERVER_TOKEN: postmark.token,
      POSTMARK_API_URL: postmark.url,
    });
    try {
      await fleet.setup();
      for (let index = 0; index < 2; index += 1) {
        fleet.spawn('worker', index, 0);
        fleet.spawn('api', index, await freePort());
      }
      await Promise.all(fleet.apiBases().map((base) => fleet.waitReady(base)));
    } catch (error) {
      await fleet.stop();
      throw error;
    }
    return fleet;
  }

  get temporalSettings() {
    return {
      address: this.infra.temporalAddress,
      namespace: 'default',
    };
  }

  apiBases(): string[] {
    return this.members.filter((m) => m.role === 'api').map((m) => baseUrl(m.port));
  }

  member(role: Role, index: number): Member {
    const found = this.members.find((m) => m.role === role && m.index === index);
    if (!found) throw new Error(`no ${role} ${index}`);
    return found;
  }

  /** Sends the signal and resolves with the exit code once the process has ended. */
  async signal(role: Role, index: number, signal: NodeJS.Signals): Promise<number | null> {
    const { process } = this.member(role, index);
    process.child.kill(signal);
    return process.exited;
  }

  /** Starts the process again on its port (an API is waited for until it is ready). */
  async restart(role: Role, index: number): Promise<void> {
    const { port } = this.member(role, index);
    this.spawn(role, index, port);
    if (role === 'api') await this.waitReady(baseUrl(port));
  }

  /** Stops everything; the processes' logs are kept in test-artifacts/resilience/. */
  async stop(): Promise<void> {
    for (const member of this.members) member.process.kill();
    await Promise.all(this.members.map((m) => m.process.exited));
    await this.postmark.close();
    await rm(LOG_DIR, { recursive: true, force: true });
    await mkdir(LOG_DIR, { recursive: true });
    for (const name of await readdir(this.infra.dir)) {
      if (name.endsWith('.log'))
        await copyFile(path.join(this.infra.dir, name), path.join(LOG_DIR, name));
    }
    await this.infra.close();
  }

  private async setup(): Promise<void> {
    const setup = spawnBuiltEntryPoint(
      'dist/src/setup-cli.js',
      {
        ...this.env,
        SUPERADMIN_EMAIL: this.superAdmin.email,
        SUPERADMIN_PASSWORD: this.superAdmin.password,
      },
      this.logFile('setup'),
    );
    const code = await setup.exited;
    if (code !== 0) throw new Error(`setup-cli exited ${code}; see ${this.logFile('setup')}`);
  }

  private spawn(role: Role, index: number, port: number): void {
    const entry = role === 'api' ? 'dist/src/server.js' : 'dist/src/worker.js';
    const env = role === 'api' ? { ...this.env, PORT: String(port) } : this.env;
    const process = spawnBuiltEntryPoint(entry, env, this.logFile(`${role}-${index}`));
    const at = this.members.findIndex((m) => m.role === role && m.index === index);
    const member = { role, index, port, process };
    if (at >= 0) this.members[at] = member;
    else this.members.push(member);
  }

  private waitReady(base: string): Promise<true> {
    return waitForReady(base, base, { withWorker: true });
  }

  private logFile(name: string): string {
    return path.join(this.infra.dir, `${name}.log`);
  }
}
