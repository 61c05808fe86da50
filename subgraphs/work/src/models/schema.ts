import { pgSchema } from 'drizzle-orm/pg-core';

/** Postgres schema of the work domain: tasks and their links to external trackers. */
export const work = pgSchema('work');

export const taskStatus = work.enum('task_status', ['todo', 'in_progress', 'blocked', 'done', 'canceled']);
export const taskPriority = work.enum('task_priority', ['low', 'medium', 'high', 'urgent']);
export const taskSource = work.enum('task_source', ['manual', 'meeting', 'communication', 'insight']);
export const trackerPlatform = work.enum('tracker_platform', ['monday', 'linear', 'asana', 'jira', 'github', 'notion', 'clickup', 'trello']);
export const syncState = work.enum('sync_state', ['pending', 'synced', 'error', 'conflict']);
