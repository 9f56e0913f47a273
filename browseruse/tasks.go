package browseruse

import (
	"context"
	"net/http"

	"github.com/browseruse-go/browseruse-go/gen"
)

// CreateTask starts an agent task and returns at once with its id; see
// RunTask to wait for its result. Without p.SessionID the service starts a
// new session for it (with p.SessionSettings), which bills until stopped.
//
// A session runs one task at a time: ErrSessionBusy when it runs one,
// ErrSessionStopped when it has stopped. Like CreateSession, a create is
// retried only when the request certainly never reached the server; when it
// may have, the error matches ErrOutcomeUnknown.
func (c *Client) CreateTask(ctx context.Context, p CreateTaskParams) (*CreatedTask, error) {
	body, err := p.request()
	if err != nil {
		return nil, err
	}
	return invoke[CreatedTask](ctx, c, request{op: opCreateTask, secrets: p.secrets()}, func(ctx context.Context) (*http.Response, error) {
		return c.gen.CreateTask(ctx, body)
	})
}

// GetTask returns a task in full, with its steps and output files.
func (c *Client) GetTask(ctx context.Context, taskID string) (*Task, error) {
	return invoke[Task](ctx, c, request{op: opGetTask, pathParams: taskPath(taskID)}, func(ctx context.Context) (*http.Response, error) {
		return c.gen.GetTask(ctx, taskID)
	})
}

// GetTaskStatus returns the light view of a task (state, and once it ended
// its output, success and cost), meant for polling; see WaitForTask.
func (c *Client) GetTaskStatus(ctx context.Context, taskID string) (*TaskStatusView, error) {
	return invoke[TaskStatusView](ctx, c, request{op: opGetTaskStatus, pathParams: taskPath(taskID)}, func(ctx context.Context) (*http.Response, error) {
		return c.gen.GetTaskStatus(ctx, taskID)
	})
}

// ListTasks returns one page of tasks, newest first.
func (c *Client) ListTasks(ctx context.Context, p ListTasksParams) (*TaskPage, error) {
	return invoke[TaskPage](ctx, c, request{op: opListTasks}, func(ctx context.Context) (*http.Response, error) {
		return c.gen.ListTasks(ctx, p.request())
	})
}

// StopTask stops a task; its session stays up for the next one. A stopped
// task cannot resume; stopping it twice is harmless.
func (c *Client) StopTask(ctx context.Context, taskID string) (*Task, error) {
	return c.updateTask(ctx, "StopTask", taskID, gen.TaskUpdateActionStop)
}

// StopTaskAndSession stops a task and then ends its session.
func (c *Client) StopTaskAndSession(ctx context.Context, taskID string) (*Task, error) {
	return c.updateTask(ctx, "StopTaskAndSession", taskID, gen.TaskUpdateActionStopTaskAndSession)
}

func (c *Client) updateTask(ctx context.Context, method, taskID string, action gen.TaskUpdateAction) (*Task, error) {
	return invoke[Task](ctx, c, request{op: opUpdateTask, method: method, pathParams: taskPath(taskID)}, func(ctx context.Context) (*http.Response, error) {
		return c.gen.UpdateTask(ctx, taskID, gen.UpdateTaskRequest{Action: action})
	})
}

// TaskLogsURL returns a short-lived link from which the task's execution
// log file can be downloaded.
func (c *Client) TaskLogsURL(ctx context.Context, taskID string) (string, error) {
	logs, err := invoke[gen.TaskLogFileResponse](ctx, c, request{op: opGetTaskLogs, pathParams: taskPath(taskID)}, func(ctx context.Context) (*http.Response, error) {
		return c.gen.GetTaskLogs(ctx, taskID)
	})
	if err != nil {
		return "", err
	}
	return logs.DownloadURL, nil
}

// taskPath is the path parameter of the operations on one task.
func taskPath(taskID string) map[string]string {
	return map[string]string{"task_id": taskID}
}
