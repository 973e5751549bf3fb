/**
 * What PBS snapshots hold as files: a pxar archive's tree (the host backup
 * of pve1's /etc captured when it ran, a container's root file system) and
 * a VM image's partitions as proxmox-file-restore shows them
 * (`part/1`, `part/2/etc/hosts`). The guests' file systems are not modelled
 * anywhere else in the lab, so theirs are generated from the guest and the
 * snapshot time, the same every time they are read.
 */
import type { FileSet, PbsSnapshot, SimFile } from './types.js';

const DAY = 86_400;

function text(content: string, mtime: number): SimFile {
  return { size: Buffer.byteLength(content), mtime, content };
}

/** The root file system every Debian guest has, with a few files of its role. */
function linuxRoot(name: string, time: number, role: string): FileSet {
  const old = time - 200 * DAY;
  const files: FileSet = {
    '/etc/hostname': text(`${name}\n`, old),
    '/etc/hosts': text(`127.0.0.1\tlocalhost\n127.0.1.1\t${name}.lab.example ${name}\n`, old + 3_600),
    '/etc/os-release': text('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n', old - 30 * DAY),
    '/etc/fstab': text('# <file system> <mount point> <type> <options> <dump> <pass>\n', old),
    '/etc/resolv.conf': text('nameserver 192.0.2.53\nsearch lab.example\n', time - 9 * DAY),
    '/etc/ssh/sshd_config': text('PermitRootLogin prohibit-password\nPasswordAuthentication no\n', time - 60 * DAY),
    '/root/.bashrc': text('export HISTSIZE=10000\nalias ll="ls -l"\n', old),
    '/var/log/syslog': { size: 18_000_000 + (time % 7_919) * 100, mtime: time - 40 },
    '/var/log/apt/history.log': { size: 48_231, mtime: time - 3 * DAY },
  };
  const roles: Record<string, FileSet> = {
    dns: {
      '/etc/bind/named.conf.local': text('zone "lab.example" { type master; file "/var/lib/bind/db.lab.example"; };\n', time - 20 * DAY),
      '/var/lib/bind/db.lab.example': text(`$TTL 3600\n@ IN SOA ns1.lab.example. admin.lab.example. ( ${Math.floor(time / DAY)} 3600 600 86400 3600 )\n`, time - DAY),
    },
    ca: {
      '/etc/step-ca/config/ca.json': text('{"root":"/etc/step-ca/certs/root_ca.crt","dnsNames":["ca.lab.example"]}\n', time - 90 * DAY),
      '/etc/step-ca/certs/root_ca.crt': { size: 1_172, mtime: time - 400 * DAY },
    },
    web: {
      '/etc/nginx/nginx.conf': text('user www-data;\nworker_processes auto;\nhttp { include /etc/nginx/sites-enabled/*; }\n', time - 45 * DAY),
      '/etc/nginx/sites-enabled/default': text('server { listen 80; root /var/www/html; }\n', time - 12 * DAY),
      '/var/www/html/index.html': text('<h1>web01</h1>\n', time - 5 * DAY),
    },
    files: {
      '/var/www/nextcloud/config/config.php': text("<?php\n$CONFIG = array ('instanceid' => 'oc8s2k', 'datadirectory' => '/var/www/nextcloud/data');\n", time - 30 * DAY),
      '/var/www/nextcloud/data/admin/files/Documents/budget-2024.ods': { size: 48_300, mtime: time - 2 * DAY },
      '/var/www/nextcloud/data/admin/files/Photos/IMG_0420.jpg': { size: 3_412_009, mtime: time - 40 * DAY },
    },
    mail: {
      '/etc/postfix/main.cf': text('myhostname = mail01.lab.example\nmydestination = $myhostname, lab.example\n', time - 70 * DAY),
      '/var/mail/admin': { size: 2_800_000, mtime: time - 600 },
    },
  };
  return { ...files, ...(roles[role] ?? {}) };
}

function roleOf(name: string): string {
  if (/dns/.test(name)) return 'dns';
  if (/^ca/.test(name)) return 'ca';
  if (/web|proxy/.test(name)) return 'web';
  if (/nextcloud|files/.test(name)) return 'files';
  if (/mail/.test(name)) return 'mail';
  return 'other';
}

/** The files of a pxar archive (`root.pxar.didx`) of a snapshot; undefined for an archive it does not hold. */
export function pxarFiles(s: PbsSnapshot, archive: string): FileSet | undefined {
  if (!s.files.some((f) => f.filename === archive)) return undefined;
  const kept = s.archives?.[archive];
  if (kept) return kept;
  if (s.type === 'ct' && archive === 'root.pxar.didx') {
    const name = s.guest?.name ?? s.comment ?? `ct${s.id}`;
    return linuxRoot(name, s.time, roleOf(name));
  }
  return {};
}

/**
 * A VM disk image as the file-restore VM sees it: partition 1 an EFI system
 * partition, partition 2 the root file system (the first disk), or one data
 * partition (other disks). Paths are `/part/<n>/...`.
 */
export function imageFiles(s: PbsSnapshot, image: string): FileSet | undefined {
  const file = s.files.find((f) => f.filename === image);
  if (!file || !image.endsWith('.img.fidx')) return undefined;
  const name = s.guest?.name ?? s.comment ?? `vm${s.id}`;
  const out: FileSet = {};
  if (/^drive-(scsi|virtio|sata|ide)0\.img\.fidx$/.test(image)) {
    out['/part/1/EFI/debian/grubx64.efi'] = { size: 4_071_736, mtime: s.time - 300 * DAY };
    for (const [p, f] of Object.entries(linuxRoot(name, s.time, roleOf(name)))) out[`/part/2${p}`] = f;
  } else {
    out['/part/1/lost+found/.keep'] = { size: 0, mtime: s.time - 300 * DAY };
    out['/part/1/data/README'] = text(`data disk of ${name}\n`, s.time - 100 * DAY);
  }
  return out;
}

/** Partition sizes as the file-restore VM reports them (from the image size). */
export function partitionSizes(s: PbsSnapshot, image: string): Record<string, number> {
  const size = s.files.find((f) => f.filename === image)?.size ?? 0;
  const first = /0\.img\.fidx$/.test(image);
  return first ? { '1': 536_870_912, '2': Math.max(0, size - 537_919_488) } : { '1': Math.max(0, size - 1_048_576) };
}
