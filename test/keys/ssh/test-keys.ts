/** SSH keys made by the real `ssh-keygen` for the key tests, and fixed vectors made by Go age. */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Whether a program is on PATH. */
export function hasBinary(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

export const haveSshKeygen = hasBinary('ssh-keygen');
export const noSshKeygen = haveSshKeygen ? false : 'ssh-keygen is not installed (apt-get install openssh-client)';

export interface GeneratedKey {
  path: string;
  /** The private key file text. */
  text: string;
  /** The `.pub` line ssh-keygen wrote, without the newline. */
  pub: string;
}

/** Runs `ssh-keygen -q -f <dir>/<name> -C <comment> -N <passphrase> ...args`. */
export function sshKeygen(dir: string, name: string, args: string[], passphrase = ''): GeneratedKey {
  const p = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-f', p, '-C', `${name}@test`, '-N', passphrase, ...args], { stdio: 'ignore' });
  return { path: p, text: fs.readFileSync(p, 'utf8'), pub: fs.readFileSync(`${p}.pub`, 'utf8').trim() };
}

/** {@link sshKeygen} made once per name in `dir`: ssh-keygen is slow, and tests reuse their keys. */
export function keyCache(dir: string): (name: string, args: string[]) => GeneratedKey {
  const cache = new Map<string, GeneratedKey>();
  return (name, args) => {
    let k = cache.get(name);
    if (k === undefined) {
      k = sshKeygen(dir, name, args);
      cache.set(name, k);
    }
    return k;
  };
}

/** Writes a fixed key (such as {@link goAgeRsa}) to `<dir>/<name>` and `.pub`, mode 0600. */
export function writeKey(dir: string, name: string, fixed: { key: string; pub: string }): GeneratedKey {
  const p = path.join(dir, name);
  fs.writeFileSync(p, fixed.key, { mode: 0o600 });
  fs.writeFileSync(`${p}.pub`, `${fixed.pub}\n`);
  return { path: p, text: fixed.key, pub: fixed.pub };
}

/**
 * Copies a generated key to `<dir>/<name>` and re-encodes it with `ssh-keygen -p` (new
 * passphrase, `-Z cipher`, `-m format`, `-a rounds`…): much faster than generating a new RSA key.
 */
export function sshKeygenReencode(
  from: GeneratedKey,
  dir: string,
  name: string,
  args: string[],
  passphrase: string,
  oldPassphrase = '',
): GeneratedKey {
  const p = path.join(dir, name);
  fs.copyFileSync(from.path, p);
  fs.copyFileSync(`${from.path}.pub`, `${p}.pub`);
  fs.chmodSync(p, 0o600);
  execFileSync('ssh-keygen', ['-q', '-p', '-f', p, '-P', oldPassphrase, '-N', passphrase, ...args], { stdio: 'ignore' });
  return { path: p, text: fs.readFileSync(p, 'utf8'), pub: fs.readFileSync(`${p}.pub`, 'utf8').trim() };
}

/** The public key ssh-keygen derives from a private key file (`ssh-keygen -y`), as `type base64`. */
export function sshKeygenPublic(keyPath: string, passphrase?: string): string {
  const args = ['-y', '-f', keyPath, ...(passphrase === undefined ? [] : ['-P', passphrase])];
  const out = execFileSync('ssh-keygen', args, { encoding: 'utf8' });
  return out.trim().split(/\s+/).slice(0, 2).join(' ');
}

/** `type base64` of a public key line (drops the comment). */
export function keyPart(line: string): string {
  return line.trim().split(/\s+/).slice(0, 2).join(' ');
}

/** An Ed25519 key and an age file that age 1.1.1 (`age -a -R ed.pub`) encrypted to it. */
export const goAgeEd25519 = {
  key: `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACDlsj6o9I38w7RN3wRk+5WtfeDZ7ydIqbLqA8atzX6TnwAAAJBQxq2XUMat
lwAAAAtzc2gtZWQyNTUxOQAAACDlsj6o9I38w7RN3wRk+5WtfeDZ7ydIqbLqA8atzX6Tnw
AAAEDujcUQAfi9H/48JSrQw7jDPvcrJycp7BAwcAgKjddWi+WyPqj0jfzDtE3fBGT7la19
4NnvJ0ipsuoDxq3NfpOfAAAADHZlY3RvckB0c29wcwE=
-----END OPENSSH PRIVATE KEY-----
`,
  pub: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOWyPqj0jfzDtE3fBGT7la194NnvJ0ipsuoDxq3NfpOf vector@tsops',
  armored: `-----BEGIN AGE ENCRYPTED FILE-----
YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IHNzaC1lZDI1NTE5IDJzVVphQSBLN0l2
MVI5ZEJPNlNiaEdlSzVNVjg0SUN2aW4yN25lTUR5RHZCVHdqN1VJCmpQelVOSUNo
NVJkcGxJL0QrdkJ2am1UMENSV0FTcDNoaDBiOVEwdXpQMVkKLS0tIG1KS04zNEpO
NFF3ZjNrKzRKS1NaNkRZZ0U0R3ZxQ0FCSEk5eG5Eb3VOYzAKmj4O7amNgvVCW7mG
2XVhR5eiCU267Vpy8Ciknzqf7lhqGOgMdzdeCDGXLy2hqlLGXQ==
-----END AGE ENCRYPTED FILE-----
`,
  plaintext: 'made by age 1.1.1',
};

/** An RSA-2048 key and an age file that age 1.1.1 (`age -a -R rsa.pub`) encrypted to it. */
export const goAgeRsa = {
  key: `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAABFwAAAAdzc2gtcn
NhAAAAAwEAAQAAAQEAu3U+CrQe8lQOeidSTCVXqN1jBGNv6bK2QPNyeVAr+l/957/6VZw4
rT5KcCNkIwV8G0FuWwM/xVKRiWPmfsCopdt7d8UaBpIhwMjQpDMeL5hYUiIWqmy8cf9JPJ
5F6tJKgUOSyR73cU80FoLzaiv0O9FPfSapSkfYDaql2Zq7dDHJR7lByeax9066Sz4tIF29
oNL/7uwg30uPbGI9AHZ9BLuT1zAqzMGra9Y4u8sAcx2lyiH/JU06Cub30oPzZtJy38YRF5
fagByF6pCrDZYQU7H8ZKppPqLe8JCNKqTU+C2cCTRh+jD9Ya9a8IbocJoo3ao16eseqjtA
Hkm8rbhWuQAAA8iIz6YSiM+mEgAAAAdzc2gtcnNhAAABAQC7dT4KtB7yVA56J1JMJVeo3W
MEY2/psrZA83J5UCv6X/3nv/pVnDitPkpwI2QjBXwbQW5bAz/FUpGJY+Z+wKil23t3xRoG
kiHAyNCkMx4vmFhSIhaqbLxx/0k8nkXq0kqBQ5LJHvdxTzQWgvNqK/Q70U99JqlKR9gNqq
XZmrt0MclHuUHJ5rH3TrpLPi0gXb2g0v/u7CDfS49sYj0Adn0Eu5PXMCrMwatr1ji7ywBz
HaXKIf8lTToK5vfSg/Nm0nLfxhEXl9qAHIXqkKsNlhBTsfxkqmk+ot7wkI0qpNT4LZwJNG
H6MP1hr1rwhuhwmijdqjXp6x6qO0AeSbytuFa5AAAAAwEAAQAAAQAHa++LjPC3YgyQrtiF
8JSKjaP18ISQbrrjJ2rzfUZrIJHKMxeTfB6M/VevyOGWDAmLKrQBIR0ikCT4Q4mZ9cFiOl
D7v5n1g05Cy7CMT68fmJsmj/hFwbhUQGnYieD1bbigFYTM4aT6SiB4eQbEv/4Tat4IHm0Q
ESLEp7+ZNem7V+ExJCCYA3+zZtOampfk6lBkCU2FNTqarWtxNBOeZTmw+n1VmNSEfvgzB4
9dOMZhiJCc4skelt8vrHW6vMQ1nFKuGEYaoUhGPQsxcTZ6BjlWpxo6mPCs7rkKhm60Eems
Ms8Hd0it50w5rCSUxUZ2Ca7CDytSJTfnu2gUt8L0jiThAAAAgQDaYSt3aJ1r0T8TD/brJC
NnwhwhoIq/bRyFIkDdSTWYkf5D3NkT+E0IZhwml/fv+3dUPxl5dgc1MVHuNnKfe/wxIPaj
8HSz5RKuh7MofOx1E52y4rzsSYGrl3ONxfaxFoKhdO5fOFUi60VoGcgreuia0KoBbdT7mR
RzKSRFdWQTHgAAAIEA7XF0wAYvxt2FXVdw7hBlVg2ZoVxTIkWJE5MeUOBcrMQZYQigmarm
+QoMymRJYqhLHnV1sYGS2rXcwGfxvBnBxJx0EERlPYcXNsuaw3SWifeMADBfEBBn0o3mkS
+/stqKNuSXiDeU7bY5bQYtOqAVRluRuN5gAYhr6OkPkcg6mSMAAACBAMobungltig/0Z4P
mwKY1Fyv/5iaODDc2UvWJ9IY6euHha/Fy99GWEKg9JtjEbR0XX+wbJDbxR2zImpGR5k0R+
dhjIYx+cJheXWu+EfWXR8BVYUdF3UEMYNyw+kNg76V9fRPZuZnUJp+K6SutKg5vxVxuYDc
qGEM9gkNxvXZiwRzAAAADHZlY3RvckB0c29wcwECAwQFBg==
-----END OPENSSH PRIVATE KEY-----
`,
  pub: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7dT4KtB7yVA56J1JMJVeo3WMEY2/psrZA83J5UCv6X/3nv/pVnDitPkpwI2QjBXwbQW5bAz/FUpGJY+Z+wKil23t3xRoGkiHAyNCkMx4vmFhSIhaqbLxx/0k8nkXq0kqBQ5LJHvdxTzQWgvNqK/Q70U99JqlKR9gNqqXZmrt0MclHuUHJ5rH3TrpLPi0gXb2g0v/u7CDfS49sYj0Adn0Eu5PXMCrMwatr1ji7ywBzHaXKIf8lTToK5vfSg/Nm0nLfxhEXl9qAHIXqkKsNlhBTsfxkqmk+ot7wkI0qpNT4LZwJNGH6MP1hr1rwhuhwmijdqjXp6x6qO0AeSbytuFa5 vector@tsops',
  armored: `-----BEGIN AGE ENCRYPTED FILE-----
YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IHNzaC1yc2EgRDcwU0d3CkRlM3lWWjdr
a3p6ejRFaVFrYmlFdkhtWk1BaWNsSW0wRnRtT0NkeFB0T3dDRzc3ditYMnZ6dTk0
YU1XWjAyTHQKMEdtUkxjKytaQmpvcXVQWU9jZTBQU3FlVVl3TTl1LzZLYjl4NG0z
M0tmTlhmTHZiclpSb1JaVG1JcHp5ZEh4MQpFWFlPTC8yakFuTENMUWxRSUp0R3R3
aDdSa0I2eDFBVU5jdHJ0WDRnYWF6a3FOd3R6WmRJUENOcjMxN000bmN1CjhPZ052
RzN0ZUo0aHBCSDNBYkd2V2h4T0tEY0x2N0V4Rk83UzlsYzZpckhadFVpV3J5bVVY
Y1ZaSGhjYXViSnEKWXh0YkNndUJhRnExT2h0K3Q2RmIrSU5HRng5blJXNnNnLzRu
TURLK3dZakI4dVlCSllNS3NKQ0p6RzJybW00bgpQQ0hRWHR2RlJYQ3lIVU1VcWtm
RmZnCi0tLSBxWlY0QTZ0UmwzeE00YW5VWjM3KzRFZTRMS0RSNXlUY0VqWWhkeXY2
OFo0CnvucWFoEqB724HC64y6ABofTNUjYZzUwwND48NsLx9yWwdOon1mInAIIlpg
xVydQRmqLhTz4AXzCQ==
-----END AGE ENCRYPTED FILE-----
`,
  plaintext: 'made by age 1.1.1 for rsa',
};
