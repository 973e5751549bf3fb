/**
 * What every simulated restic command shares: opening a repository (its
 * location, password and lock, with restic's own refusals) and finding a
 * snapshot by id prefix or `latest`.
 */
import { splitWords } from '../../transport/shell-script.js';
import type { ToolContext } from '../shell/types.js';
import { strftime } from '../state/clock.js';
import { getFile, resolvePath } from '../state/fs.js';
import { findRepo, isCloudLocation, snapshotEpoch } from '../state/restic.js';
import type { ResticRepo, ResticSnapshot } from '../state/types.js';

export class Fatal extends Error {
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}

export interface Opened {
  repo: ResticRepo;
  location: string;
}

export async function password(ctx: ToolContext, file: string | undefined, command: string | undefined): Promise<string> {
  if (file && command) throw new Fatal('Password file and command are mutually exclusive options');
  if (command) {
    const argv = splitWords(command);
    if ('error' in argv || argv.length === 0) throw new Fatal(`password command failed: unable to parse "${command}"`);
    const r = await ctx.run({ argv, env: ctx.env, cwd: ctx.cwd });
    if (r.code !== 0) {
      ctx.err(r.stderr);
      throw new Fatal(`password command failed: exit status ${r.code}`);
    }
    return r.stdout.replace(/\n$/, '');
  }
  if (file) {
    const f = getFile(ctx.host.fs, resolvePath(ctx.cwd, file));
    if (!f) throw new Fatal(`${file} does not exist`);
    return (f.content ?? '').trim();
  }
  return ctx.env.RESTIC_PASSWORD ?? '';
}

export async function open(ctx: ToolContext, values: Readonly<Record<string, string[]>>, needLock: 'none' | 'shared' | 'exclusive'): Promise<Opened> {
  let location = values.repo?.at(-1) ?? ctx.env.RESTIC_REPOSITORY;
  const repoFile = values['repository-file']?.at(-1) ?? ctx.env.RESTIC_REPOSITORY_FILE;
  if (!location && repoFile) {
    const f = getFile(ctx.host.fs, resolvePath(ctx.cwd, repoFile));
    if (!f) throw new Fatal(`unable to read repository file: open ${repoFile}: no such file or directory`);
    location = (f.content ?? '').trim();
  }
  if (!location) throw new Fatal('Please specify repository location (-r or --repository-file)');
  const pw = await password(
    ctx,
    values['password-file']?.at(-1) ?? ctx.env.RESTIC_PASSWORD_FILE,
    values['password-command']?.at(-1) ?? ctx.env.RESTIC_PASSWORD_COMMAND,
  );
  if (pw === '' && values['insecure-no-password'] === undefined) {
    throw new Fatal('an empty password is not allowed by default. Pass the flag `--insecure-no-password` to restic to disable this check');
  }
  await ctx.pace(150);
  const repo = findRepo(ctx.lab.state, ctx.host, location);
  if (isCloudLocation(location) && location.startsWith('s3:')) {
    const creds = repo?.s3Credentials;
    if (!ctx.env.AWS_ACCESS_KEY_ID || !ctx.env.AWS_SECRET_ACCESS_KEY || (creds && (creds.accessKeyId !== ctx.env.AWS_ACCESS_KEY_ID || creds.secretAccessKey !== ctx.env.AWS_SECRET_ACCESS_KEY))) {
      throw new Fatal(`unable to open config file: Stat: Access Denied.\nIs there a repository at the following location?\n${location}`);
    }
  }
  if (!repo) {
    const why = isCloudLocation(location) ? 'Stat: The specified key does not exist.' : `stat ${location.replace(/\/+$/, '')}/config: no such file or directory`;
    throw new Fatal(`repository does not exist: unable to open config file: ${why}\nIs there a repository at the following location?\n${location}`, 10);
  }
  if (repo.password !== pw) throw new Fatal('wrong password or no key found', 12);
  if (needLock !== 'none' && repo.lock && values['no-lock'] === undefined && (repo.lock.exclusive || needLock === 'exclusive')) {
    const ago = Math.max(0, Math.floor(ctx.now() - repo.lock.time));
    throw new Fatal(
      `unable to create lock in backend: repository is already locked ${repo.lock.exclusive ? 'exclusively ' : ''}by PID ${repo.lock.pid} on ${repo.lock.host} by ${repo.lock.user} (UID 0, GID 0)\nlock was created at ${strftime('%Y-%m-%d %H:%M:%S', repo.lock.time, ctx.host.timeZone)} (${Math.floor(ago / 3600)}h${Math.floor((ago % 3600) / 60)}m${ago % 60}s ago)\nstorage ID ${repo.id.slice(0, 8)}\nthe \`unlock\` command can be used to remove stale locks`,
      11,
    );
  }
  return { repo, location };
}

export function opened(ctx: ToolContext, o: Opened, json: boolean): void {
  if (!json) ctx.out(`repository ${o.repo.id.slice(0, 8)} opened (version 2, compression level auto)\n`);
}

export function matches(s: ResticSnapshot, values: Readonly<Record<string, string[]>>): boolean {
  const hosts = values.host ?? [];
  const paths = values.path ?? [];
  const tags = values.tag ?? [];
  return (
    (hosts.length === 0 || hosts.includes(s.hostname)) &&
    (paths.length === 0 || paths.every((p) => s.paths.includes(p))) &&
    (tags.length === 0 || tags.some((t) => t.split(',').every((x) => s.tags?.includes(x))))
  );
}

export function byTime(a: ResticSnapshot, b: ResticSnapshot): number {
  return snapshotEpoch(a) - snapshotEpoch(b);
}

export function findSnapshot(repo: ResticRepo, ref: string, values: Readonly<Record<string, string[]>>): ResticSnapshot {
  const [id] = ref.split(':') as [string];
  if (id === 'latest') {
    const s = repo.snapshots.filter((x) => matches(x, values)).sort(byTime).at(-1);
    if (!s) throw new Fatal('failed to find snapshot: no snapshot found');
    return s;
  }
  const found = repo.snapshots.filter((s) => s.id.startsWith(id));
  if (found.length === 0) throw new Fatal(`failed to find snapshot: no matching ID found for prefix "${id}"`);
  if (found.length > 1) throw new Fatal(`failed to find snapshot: multiple IDs with prefix "${id}" found`);
  return found[0]!;
}

