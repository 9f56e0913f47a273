package browseruse

import (
	"context"

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
	req, err := gen.NewCreateTaskRequest(c.server, body)
	return do[CreatedTask](ctx, c, call{op: opCreateTask, secrets: p.secrets()}, req, err)
}

// GetTask returns a task in full, with its steps and output files.
func (c *Client) GetTask(ctx context.Context, taskID string) (*Task, error) {
	req, err := gen.NewGetTaskRequest(c.server, taskID)
	return do[Task](ctx, c, call{op: opGetTask}, req, err)
}

// GetTaskStatus returns the light view of a task (state, and once it ended
// its output, success and cost), meant for polling; see WaitForTask.
func (c *Client) GetTaskStatus(ctx context.Context, taskID string) (*TaskStatusView, error) {
	req, err := gen.NewGetTaskStatusRequest(c.server, taskID)
	return do[TaskStatusView](ctx, c, call{op: opGetTaskStatus}, req, err)
}

// ListTasks returns one page of tasks, newest first.
func (c *Client) ListTasks(ctx context.Context, p ListTasksParams) (*TaskPage, error) {
	req, err := gen.NewListTasksRequest(c.server, p.request())
	return do[TaskPage](ctx, c, call{op: opListTasks}, req, err)
}

// StopTask stops a task; its session stays up for the next one. A stopped
// task cannot resume; stopping it twice is harmless.
func (c *Client) StopTask(ctx context.Context, taskID string) (*Task, error) {
	req, err := gen.NewUpdateTaskRequest(c.server, taskID, gen.UpdateTaskRequest{Action: gen.TaskUpdateActionStop})
	return do[Task](ctx, c, call{op: opUpdateTask}, req, err)
}

// StopTaskAndSession stops a task and then ends its session.
func (c *Client) StopTaskAndSession(ctx context.Context, taskID string) (*Task, error) {
	req, err := gen.NewUpdateTaskRequest(c.server, taskID, gen.UpdateTaskRequest{Action: gen.TaskUpdateActionStopTaskAndSession})
	return do[Task](ctx, c, call{op: opUpdateTask, method: "StopTaskAndSession"}, req, err)
}

// TaskLogsURL returns a short-lived link from which the task's execution
// log file can be downloaded.
func (c *Client) TaskLogsURL(ctx context.Context, taskID string) (string, error) {
	req, err := gen.NewGetTaskLogsRequest(c.server, taskID)
	logs, err := do[gen.TaskLogFileResponse](ctx, c, call{op: opGetTaskLogs}, req, err)
	if err != nil {
		return "", err
	}
	return logs.DownloadURL, nil
}
