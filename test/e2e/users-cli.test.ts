import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { verifyPassword } from '../../src/accounts/passwords';
import { stack } from '../support/stack';
import { createUser, uniqueEmail } from '../support/users';

const ROOT = path.resolve(__dirname, '../..');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], stdin = ''): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/users-cli.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'], NODE_ENV: 'test', DATABASE_URL: stack().databaseUrl },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('users CLI (npm run users)', function () {
  this.timeout(60_000);

  it('when create gets the password on stdin, then an active, verified user is stored', async () => {
    const email = uniqueEmail('cli');
    const res = await cli(
      ['create', '--role', 'super_admin', '--email', email, '--first-name', 'Op'],
      'a-long-cli-password\n',
    );
    expect(res.stderr).to.equal('');
    expect(res.code).to.equal(0);
    expect(res.stdout).to.match(new RegExp(`created super_admin ${email}`));
    const row = await stack().db('users').where('email', email).first();
    expect(row).to.include({ role: 'super_admin', is_active: true, first_name: 'Op' });
    expect(row.email_verified_at).to.be.an.instanceOf(Date);
    expect(await verifyPassword(row.password_hash, 'a-long-cli-password')).to.equal(true);
  });

  it('when the email is taken or the password too short, then it exits 1 saying why', async () => {
    const { user } = await createUser();
    const taken = await cli(
      ['create', '--role', 'admin', '--email', user.email],
      'long-enough-pw\n',
    );
    expect(taken.code).to.equal(1);
    expect(taken.stderr).to.match(/already exists/);
    const short = await cli([
      'create',
      '--role',
      'admin',
      '--email',
      uniqueEmail(),
      '--password',
      'short',
    ]);
    expect(short.code).to.equal(1);
    expect(short.stderr).to.match(/password must be at least 10 characters/);
    const role = await cli(['create', '--role', 'owner', '--email', uniqueEmail()]);
    expect(role.code).to.equal(1);
    expect(role.stderr).to.match(/--role must be one of/);
  });

  it('when deactivate names a user, then they are inactive and their sessions revoked; list shows it', async () => {
    const { user } = await createUser({ last_name: `cli${Date.now()}` });
    await stack()
      .db('refresh_tokens')
      .insert({
        user_id: user.id,
        family_id: user.id,
        token_hash: `hash-${user.id}`,
        expires_at: new Date(Date.now() + 60_000),
      });
    const res = await cli(['deactivate', '--email', user.email]);
    expect(res.code).to.equal(0);
    const row = await stack().db('users').where('id', user.id).first();
    expect(row.is_active).to.equal(false);
    const token = await stack().db('refresh_tokens').where('user_id', user.id).first();
    expect(token.revoked_at).to.be.an.instanceOf(Date);
    const list = await cli(['list', '--q', user.last_name, '--inactive']);
    expect(list.code).to.equal(0);
    expect(list.stdout.trim()).to.equal([user.id, user.email, user.role, 'inactive'].join('\t'));
  });
});
