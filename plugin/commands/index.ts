import type { CommandSpec } from '../cli/command.ts';
import { logsCommand } from './logs.ts';
import { versionCommand } from './version.ts';
import { getCommand } from './get.ts';
import { proxyCommand } from './proxy.ts';
import { completionCommand } from './completion.ts';
import { envCommand } from './env.ts';
import { relayCommand } from './relay.ts';

/** The commands kubectl sock implements itself, in help order. */
export function nativeCommands(): CommandSpec[] {
  return [getCommand, logsCommand, versionCommand, proxyCommand, envCommand, relayCommand, completionCommand];
}
