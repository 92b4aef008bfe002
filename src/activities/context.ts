import { Context } from '@temporalio/activity';

/** The running activity's context, or undefined outside one (an activity called directly in a test). */
export function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}
