import type { CommandSpec } from '../cli/command.ts';
import { versionCommand } from './version.ts';
import { proxyCommand } from './proxy.ts';

/** The commands kubectl sock implements itself, in help order. */
export function nativeCommands(): CommandSpec[] {
  return [versionCommand, proxyCommand];
}
