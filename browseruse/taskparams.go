package browseruse

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/oapi-codegen/nullable"

	"github.com/browseruse-go/browseruse-go/gen"
)

// CreateTaskParams describe a task for the agent. Only Task is required; a
// field left at its zero value is not sent, and the service applies its
// default.
type CreateTaskParams struct {
	// Task is what the agent should do, in words (1..50,000 characters).
	Task string `wire:"task"`
	// SessionID is the session to run in; "" makes the service start a new
	// session with SessionSettings. A session runs one task at a time.
	SessionID string `wire:"sessionId"`
	// LLM is the model the agent runs on ("": the service's default,
	// browser-use-2.0). A model openapi.yaml does not list is sent anyway,
	// with a Warn log, except in ValidationStrict.
	LLM LLM `wire:"llm"`
	// StartURL is a page to open before the agent starts.
	StartURL string `wire:"startUrl"`
	// MaxSteps caps the agent's steps, 1..10,000 (service default 100).
	MaxSteps *int `wire:"maxSteps"`
	// StructuredOutput is a JSON schema, as text, that the output must
	// follow; see RunTaskAs.
	StructuredOutput string `wire:"structuredOutput"`
	// Metadata is up to 10 key-value pairs of your own, kept with the task.
	Metadata map[string]string `wire:"metadata"`
	// Secrets are credentials the agent may fill in, by name. Their values
	// never appear in errors, logs or fmt and slog output of this package.
	Secrets map[string]string `wire:"secrets" secret:"true"`
	// AllowedDomains are the domains the agent may visit (recommended with
	// Secrets).
	AllowedDomains []string `wire:"allowedDomains"`
	// OpVaultID is a 1Password vault whose items the agent may use.
	OpVaultID string `wire:"opVaultId"`
	// SessionSettings configure the new session when SessionID is "".
	SessionSettings *SessionSettings `wire:"sessionSettings"`
	// HighlightElements, FlashMode, Thinking and Judge switch agent
	// features on or off; nil leaves the service default (off).
	HighlightElements *bool `wire:"highlightElements"`
	FlashMode         *bool `wire:"flashMode"`
	Thinking          *bool `wire:"thinking"`
	Judge             *bool `wire:"judge"`
	// ThinkingLevel sets how deeply the model reasons ("": its default).
	ThinkingLevel ThinkingLevel `wire:"thinkingLevel"`
	// Vision says whether the agent sees screenshots ("": the service's
	// default, on).
	Vision Vision `wire:"vision"`
	// SystemPromptExtension is added to the agent's system prompt.
	SystemPromptExtension string `wire:"systemPromptExtension"`
	// JudgeGroundTruth is the answer the judge expects (with Judge).
	JudgeGroundTruth string `wire:"judgeGroundTruth"`
	// JudgeLLM is the judge's model ("": the service's default).
	JudgeLLM LLM `wire:"judgeLlm"`
	// SkillIDs enables skills; []string{"*"} enables all of the project's.
	SkillIDs []string `wire:"skillIds"`
}

// SessionSettings configure the session the service starts for a task
// created without a SessionID.
type SessionSettings struct {
	// ProfileID loads a browser profile (cookies, logins); a UUID.
	ProfileID string `wire:"profileId"`
	// Proxy chooses the proxy, as in CreateSessionParams.
	Proxy ProxySetting `wire:"proxyCountryCode"`
	// ScreenWidth (320..6144) and ScreenHeight (320..3456) are in pixels.
	ScreenWidth  *int `wire:"browserScreenWidth"`
	ScreenHeight *int `wire:"browserScreenHeight"`
	// EnableRecording: nil leaves the service default (false).
	EnableRecording *bool `wire:"enableRecording"`
}

// Vision says whether the agent sees screenshots: VisionOn, VisionOff or
// VisionAuto; the zero value leaves the service's default (on).
type Vision string

// Vision settings.
const (
	VisionOn   Vision = "true"
	VisionOff  Vision = "false"
	VisionAuto Vision = "auto" // the agent decides from the model
)

// request is the generated request body for p.
func (p CreateTaskParams) request() (gen.CreateTaskRequest, error) {
	r := gen.CreateTaskRequest{
		Task:                  p.Task,
		SessionID:             nonEmpty(p.SessionID),
		StartURL:              nonEmpty(p.StartURL),
		MaxSteps:              p.MaxSteps,
		StructuredOutput:      nonEmpty(p.StructuredOutput),
		AllowedDomains:        nonNilSlice(p.AllowedDomains),
		OpVaultID:             nonEmpty(p.OpVaultID),
		HighlightElements:     p.HighlightElements,
		FlashMode:             p.FlashMode,
		Thinking:              p.Thinking,
		Judge:                 p.Judge,
		SystemPromptExtension: nonEmpty(p.SystemPromptExtension),
		JudgeGroundTruth:      nonEmpty(p.JudgeGroundTruth),
		SkillIds:              nonNilSlice(p.SkillIDs),
	}
	if p.LLM != "" {
		r.LLM = &p.LLM
	}
	if p.JudgeLLM != "" {
		r.JudgeLLM = &p.JudgeLLM
	}
	if p.ThinkingLevel != "" {
		r.ThinkingLevel = &p.ThinkingLevel
	}
	if p.Metadata != nil {
		r.Metadata = &p.Metadata
	}
	if p.Secrets != nil {
		r.Secrets = &p.Secrets
	}
	if s := p.SessionSettings; s != nil {
		r.SessionSettings = &gen.SessionSettings{
			ProfileID:           nonEmpty(s.ProfileID),
			BrowserScreenWidth:  s.ScreenWidth,
			BrowserScreenHeight: s.ScreenHeight,
			EnableRecording:     s.EnableRecording,
			ProxyCountryCode:    s.Proxy.nullable(),
		}
	}
	if p.Vision != "" {
		r.Vision = &gen.CreateTaskRequest_Vision{}
		var err error
		switch p.Vision {
		case VisionOn, VisionOff:
			err = r.Vision.FromCreateTaskRequestVision0(p.Vision == VisionOn)
		default: // "auto", or a value openapi.yaml checks and names
			err = r.Vision.FromCreateTaskRequestVision1(gen.CreateTaskRequestVision1(p.Vision))
		}
		if err != nil {
			return r, err
		}
	}
	return r, nil
}

// nullable is the wire form of a proxy choice: unset, null or a code.
func (p ProxySetting) nullable() nullable.Nullable[gen.ProxyCountryCode] {
	switch {
	case p.off:
		return nullable.NewNullNullable[gen.ProxyCountryCode]()
	case p.country != "":
		return nullable.NewNullableWithValue(gen.ProxyCountryCode(p.country))
	}
	return nil
}

func nonNilSlice(s []string) *[]string {
	if s == nil {
		return nil
	}
	return &s
}

// secrets are the values to mask in errors: the task's secrets.
func (p CreateTaskParams) secrets() []string {
	out := make([]string, 0, len(p.Secrets))
	for _, v := range p.Secrets {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Format prints every parameter with the secrets' values masked, for
// every verb.
func (p CreateTaskParams) Format(f fmt.State, _ rune) { formatMasked(f, p) }

// LogValue logs every parameter with the secrets' values masked, with any
// slog handler.
func (p CreateTaskParams) LogValue() slog.Value { return logMasked(p) }

// ListTasksParams selects a page of tasks. Zero fields are not sent.
type ListTasksParams struct {
	// PageSize is how many tasks a page holds, 1..100 (server default 10).
	PageSize *int `wire:"pageSize"`
	// PageNumber is the page, from 1 (the default).
	PageNumber *int `wire:"pageNumber"`
	// SessionID returns only the tasks of this session.
	SessionID string `wire:"sessionId"`
	// Status returns only tasks in this state; "" returns all.
	Status TaskStatus `wire:"filterBy"`
	// After and Before bound the tasks' creation time.
	After  *time.Time `wire:"after"`
	Before *time.Time `wire:"before"`
}

// request is the generated query parameters for p.
func (p ListTasksParams) request() *gen.ListTasksParams {
	r := &gen.ListTasksParams{PageSize: p.PageSize, PageNumber: p.PageNumber, SessionID: nonEmpty(p.SessionID), After: p.After, Before: p.Before}
	if p.Status != "" {
		r.FilterBy = &p.Status
	}
	return r
}
