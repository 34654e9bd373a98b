// runcomfy.showLog: shows the RunComfy log channel.
import type { CommandContext } from './context';

export function showLogCommand(ctx: CommandContext) {
  return (): void => ctx.services.channel.show(true);
}
