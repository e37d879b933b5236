/**
 * The modules behind the commands, each loaded on first use so that a run pays only for the
 * command it runs. The one place that names them: the command files in cli/ call `load.<name>()`.
 */
export const load = {
  encrypt: () => import('../commands/encrypt.js'),
  decrypt: () => import('../commands/decrypt.js'),
  edit: () => import('../commands/edit/index.js'),
  rotate: () => import('../commands/rotate.js'),
  updatekeys: () => import('../commands/updatekeys/index.js'),
  groups: () => import('../commands/groups.js'),
  set: () => import('../commands/set/index.js'),
  setValue: () => import('../commands/set/set-value.js'),
  unset: () => import('../commands/set/unset.js'),
  execEnv: () => import('../commands/exec/env.js'),
  execFile: () => import('../commands/exec/file.js'),
  filestatus: () => import('../commands/filestatus.js'),
  keygen: () => import('../commands/keygen.js'),
  sshToAge: () => import('../commands/ssh-to-age.js'),
  recipients: () => import('../commands/recipients.js'),
  manyFiles: () => import('../commands/shared/many-files.js'),
  gitSetup: () => import('../git/setup.js'),
  gitTextconv: () => import('../git/textconv.js'),
  gitMerge: () => import('../git/merge-driver.js'),
  completion: () => import('./completion.js'),
};
