package browseruse

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/browseruse-go/browseruse-go/gen"
)

const (
	// MaxUploadBytes is the largest file a session accepts (10 MiB).
	MaxUploadBytes = 10 << 20
	// DefaultMaxDownloadBytes caps an output file's download (100 MiB).
	DefaultMaxDownloadBytes = 100 << 20
	maxFileName             = 255
	storageErrorBodyCap     = 4 << 10
)

var (
	// ErrStorage matches a *StorageError: the storage (S3) refused an
	// upload or a download.
	ErrStorage = errors.New("browseruse: the file storage refused the request")
	// ErrOutputFileNotFound: a task has no output file with that ID (a 404
	// of OutputFileURL, DownloadOutputFile; a missing task is ErrTaskNotFound).
	ErrOutputFileNotFound = errors.New("browseruse: output file not found")
)

// WithMaxDownloadBytes caps the size of an output file that
// DownloadOutputFile and SaveOutputFiles accept (DefaultMaxDownloadBytes).
func WithMaxDownloadBytes(n int64) Option {
	return func(c *config) error {
		if n < 1 {
			return errors.New("browseruse: WithMaxDownloadBytes: the cap must be at least 1 byte")
		}
		c.maxDownloadBytes = n
		return nil
	}
}

// UploadFileParams is one file to upload to a session (UploadFile) or a
// browser (UploadBrowserFile).
type UploadFileParams struct {
	// Name is the file's name, 1 to 255 characters without path separators,
	// control characters or NUL: the agent sees the file by this name.
	Name string `wire:"fileName"`
	// ContentType is one of the 14 types the service accepts (see
	// gen.UploadContentType); "" means from Name's extension (.pdf, .png,
	// .jpg/.jpeg, .gif, .webp, .svg, .doc, .docx, .xls, .xlsx, .txt, .csv, .md).
	ContentType string `wire:"contentType"`
	// Size is the file's size in bytes, 1 to MaxUploadBytes. With a Body
	// that is an io.Seeker, 0 means what remains of it.
	Size int64 `wire:"sizeBytes"`
	// Body holds the file: exactly Size bytes are read from it. An
	// io.ReadSeeker (*os.File, *bytes.Reader, *strings.Reader) can be
	// replayed, so a failed upload is retried; any other reader is sent once.
	Body io.Reader
}

// UploadedFile is a file UploadFile stored in a session (or
// UploadBrowserFile in a browser).
type UploadedFile struct {
	// Name is how the agent sees it: refer to it by this name in the tasks
	// of the session.
	Name        string
	ContentType string
	Size        int64
}

// StorageError is the file storage's (S3's) answer to a failed upload or
// download: an XML error with a code. The presigned URL and fields are
// credentials, so they are masked in RawBody and Message.
type StorageError struct {
	// Operation is the Client method that was called ("UploadFile", ...).
	Operation  string
	StatusCode int
	// Code and Message are S3's (e.g. "AccessDenied", "Policy expired").
	Code, Message, RequestID string
	Attempts                 int
	// RawBody is the answer, capped at 4 KiB, secrets masked.
	RawBody []byte
}

// Error returns one line.
func (e *StorageError) Error() string {
	s := fmt.Sprintf("browseruse: %s: the file storage answered %d", e.Operation, e.StatusCode)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + oneLine(e.Message)
	}
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return s
}

// GoString is Error, so %#v prints no more than it.
func (e *StorageError) GoString() string { return e.Error() }

// Is matches ErrStorage, and ErrServer for a 5xx.
func (e *StorageError) Is(target error) bool {
	return target == ErrStorage || target == ErrServer && e.StatusCode >= 500
}

// uploadContentTypes maps extensions to the accepted content types.
var uploadContentTypes = map[string]gen.UploadContentType{
	".jpg": gen.UploadContentTypeImageJpeg, ".jpeg": gen.UploadContentTypeImageJpeg,
	".png": gen.UploadContentTypeImagePng, ".gif": gen.UploadContentTypeImageGif,
	".webp": gen.UploadContentTypeImageWebp, ".svg": gen.UploadContentTypeImageSvgXML,
	".pdf": gen.UploadContentTypeApplicationPdf, ".doc": gen.UploadContentTypeApplicationMsword,
	".docx": gen.UploadContentTypeApplicationVndOpenxmlformatsOfficedocumentWordprocessingmlDocument,
	".xls":  gen.UploadContentTypeApplicationVndMsExcel,
	".xlsx": gen.UploadContentTypeApplicationVndOpenxmlformatsOfficedocumentSpreadsheetmlSheet,
	".txt":  gen.UploadContentTypeTextPlain, ".csv": gen.UploadContentTypeTextCsv,
	".md": gen.UploadContentTypeTextMarkdown, ".markdown": gen.UploadContentTypeTextMarkdown,
}

// check refuses, before anything is sent, what the service would refuse
// or the upload could not do; it fills in ContentType and Size.
func (p *UploadFileParams) check() []string {
	var vs []string
	switch {
	case p.Name == "":
		vs = append(vs, "Name (fileName): must not be empty")
	case utf8.RuneCountInString(p.Name) > maxFileName:
		vs = append(vs, "Name (fileName): must be at most 255 characters")
	case !utf8.ValidString(p.Name) || strings.ContainsAny(p.Name, "/\\\x00") || strings.ContainsFunc(p.Name, isControl):
		vs = append(vs, "Name (fileName): must be valid UTF-8 without path separators, control characters or NUL")
	case p.Name == "." || p.Name == "..":
		vs = append(vs, "Name (fileName): must name a file")
	}
	if p.ContentType == "" {
		ct, ok := uploadContentTypes[strings.ToLower(filepath.Ext(p.Name))]
		if !ok {
			vs = append(vs, "ContentType (contentType): cannot be told from the name's extension; give one of the types gen.UploadContentType lists")
		}
		p.ContentType = string(ct)
	} else if !gen.UploadContentType(p.ContentType).Valid() {
		vs = append(vs, "ContentType (contentType): must be one of the 14 types gen.UploadContentType lists")
	}
	if p.Body == nil {
		vs = append(vs, "Body: must not be nil")
	} else if s, ok := p.Body.(io.Seeker); ok {
		left, err := remaining(s)
		switch {
		case err != nil:
			vs = append(vs, "Body: cannot be measured: "+oneLine(err.Error()))
		case p.Size == 0:
			p.Size = left
		case p.Size != left:
			vs = append(vs, fmt.Sprintf("Size (sizeBytes): is %d but Body holds %d bytes", p.Size, left))
		}
	}
	switch {
	case p.Size < 1:
		vs = append(vs, "Size (sizeBytes): must be >= 1")
	case p.Size > MaxUploadBytes:
		vs = append(vs, fmt.Sprintf("Size (sizeBytes): must be <= %d (10 MiB)", MaxUploadBytes))
	}
	return vs
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// remaining is how many bytes a seeker holds from where it is.
func remaining(s io.Seeker) (int64, error) {
	cur, err := s.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, err
	}
	end, err := s.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, err
	}
	_, err = s.Seek(cur, io.SeekStart)
	return end - cur, err
}

// formField is one field of a presigned POST.
type formField struct{ name, value string }

// orderedFields decodes a JSON object of strings keeping its order: S3
// wants the fields in the order given, the file last.
type orderedFields []formField

func (o *orderedFields) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return errors.New("fields: must be an object")
	}
	for dec.More() {
		name, err := dec.Token()
		if err != nil {
			return err
		}
		var value string
		if err := dec.Decode(&value); err != nil {
			return errors.New("fields: every value must be a string")
		}
		*o = append(*o, formField{name: name.(string), value: value})
	}
	_, err := dec.Token()
	return err
}

// presignedUpload is the createUploadUrl answer, its fields in order. Its
// URL and fields are credentials until they expire: never printed.
type presignedUpload struct {
	URL       string        `json:"url"`
	Method    string        `json:"method"`
	Fields    orderedFields `json:"fields"`
	FileName  string        `json:"fileName"`
	ExpiresIn int           `json:"expiresIn"`
}

// Format prints no secret.
func (p presignedUpload) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "presignedUpload{fileName: %s, expiresIn: %d, url: [REDACTED], fields: %d [REDACTED]}", p.FileName, p.ExpiresIn, len(p.Fields))
}

// secrets are the values to mask wherever the storage's answer is kept.
func (p *presignedUpload) secrets() []string {
	out := urlSecrets(p.URL)
	for _, f := range p.Fields {
		if len(f.value) >= 8 {
			out = append(out, f.value)
		}
	}
	return out
}

// urlSecrets are a presigned URL, its query and the query's values.
func urlSecrets(raw string) []string {
	out := []string{raw}
	if u, err := url.Parse(raw); err == nil && u.RawQuery != "" {
		out = append(out, u.RawQuery)
		for _, vs := range u.Query() {
			for _, v := range vs {
				if len(v) >= 8 {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// UploadFile uploads a file to a session, for its agent's tasks: they see
// it by its name (UploadedFile.Name), so a task of the session can say
// "summarise report.pdf". It asks the API for a presigned upload, then
// POSTs a multipart form to the storage's URL (another host than the
// API's) with every field it was given, in order, and the file last.
//
// Name, ContentType and Size are checked before anything is sent
// (*RequestValidationError). The API key is never sent to the storage: it
// gets a plain request, without the client's headers, and a redirect to
// another origin is refused. The storage's refusal is a *StorageError
// (ErrStorage). A failed upload is retried, per the client's RetryPolicy,
// only when the body can be replayed (an io.ReadSeeker) or none of it was
// read yet; any other reader is sent once. The presigned URL and fields
// are credentials until they expire: they appear in no error or log.
func (c *Client) UploadFile(ctx context.Context, sessionID string, p UploadFileParams) (*UploadedFile, error) {
	return c.upload(ctx, opCreateUploadURL, p, func(body gen.UploadFileRequest) (*http.Request, error) {
		return gen.NewCreateUploadURLRequest(c.server, sessionID, body)
	})
}

// upload is UploadFile and UploadBrowserFile: presign asks op (whose
// method names the errors) for the presigned POST, then the file goes to
// the storage.
func (c *Client) upload(ctx context.Context, op opIndex, p UploadFileParams, presign func(gen.UploadFileRequest) (*http.Request, error)) (*UploadedFile, error) {
	method := operationTable[op].method
	if vs := p.check(); len(vs) > 0 {
		return nil, &RequestValidationError{Operation: method, Violations: vs}
	}
	start := int64(0)
	seeker, replayable := p.Body.(io.Seeker)
	if replayable {
		var err error
		if start, err = seeker.Seek(0, io.SeekCurrent); err != nil {
			return nil, &RequestValidationError{Operation: method, Violations: []string{"Body: cannot be measured: " + oneLine(err.Error())}}
		}
	}
	req, err := presign(gen.UploadFileRequest{
		FileName: p.Name, ContentType: gen.UploadContentType(p.ContentType), SizeBytes: int(p.Size),
	})
	up, err := do[presignedUpload](ctx, c, call{op: op}, req, err)
	if err != nil {
		return nil, err
	}
	secrets := up.secrets()
	target, err := c.storageURL(up.URL)
	if err == nil && up.Method != "" && up.Method != http.MethodPost {
		err = fmt.Errorf("the presigned upload wants method %q; only POST is supported", up.Method)
	}
	if err != nil {
		return nil, &ResponseValidationError{Operation: method, StatusCode: http.StatusOK, Violations: []string{"/url: " + err.Error()}}
	}
	prefix, suffix, contentType, err := multipartFrame(up.Fields, up.FileName, p.ContentType)
	if err != nil {
		return nil, &RequestValidationError{Operation: method, Violations: []string{"(form): " + oneLine(err.Error())}}
	}
	for attempt := 1; ; attempt++ {
		if attempt > 1 && replayable {
			if _, err := seeker.Seek(start, io.SeekStart); err != nil {
				return nil, &TransportError{Operation: method, Attempts: attempt - 1, Err: fmt.Errorf("rewinding Body for a retry: %w", err)}
			}
		}
		body := &exactReader{r: p.Body, left: p.Size}
		status, raw, err := c.storageAttempt(ctx, method, attempt, target, contentType,
			io.MultiReader(bytes.NewReader(prefix), body, bytes.NewReader(suffix)), int64(len(prefix))+p.Size+int64(len(suffix)))
		if err == nil && status/100 == 2 {
			return &UploadedFile{Name: up.FileName, ContentType: p.ContentType, Size: p.Size}, nil
		}
		if errors.Is(err, errShortBody) {
			return nil, &RequestValidationError{Operation: method, Violations: []string{fmt.Sprintf("Body: ended before Size (%d) bytes", p.Size)}}
		}
		canReplay := replayable || body.read == 0
		wait, retry := c.retryStorage(ctx, attempt, status, err, canReplay)
		if !retry {
			if err != nil {
				if !canReplay {
					err = fmt.Errorf("%w (not retried: Body was consumed and is not an io.ReadSeeker)", err)
				}
				return nil, &TransportError{Operation: method, Attempts: attempt, Err: maskErr(err, secrets)}
			}
			return nil, storageError(method, status, raw, attempt, secrets)
		}
		if !sleepCtx(ctx, wait) {
			return nil, &TransportError{Operation: method, Attempts: attempt, Err: ctx.Err()}
		}
	}
}

// UploadFilePath uploads the file at path to a session, named after its
// base name (its content type from the extension); see UploadFile.
func (c *Client) UploadFilePath(ctx context.Context, sessionID, path string) (*UploadedFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return c.UploadFile(ctx, sessionID, UploadFileParams{Name: filepath.Base(path), Body: f})
}

// multipartFrame is the form around the file's bytes: every field in
// order, then the file part's header (prefix), and the closing boundary
// (suffix).
func multipartFrame(fields orderedFields, name, contentType string) (prefix, suffix []byte, formType string, err error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range fields {
		if err := w.WriteField(f.name, f.value); err != nil {
			return nil, nil, "", err
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name)+`"`)
	h.Set("Content-Type", contentType)
	if _, err := w.CreatePart(h); err != nil {
		return nil, nil, "", err
	}
	n := buf.Len()
	if err := w.Close(); err != nil {
		return nil, nil, "", err
	}
	all := buf.Bytes()
	return bytes.Clone(all[:n]), bytes.Clone(all[n:]), w.FormDataContentType(), nil
}

var errShortBody = errors.New("the body ended before its size")

// exactReader reads exactly left bytes from r; fewer is errShortBody.
type exactReader struct {
	r          io.Reader
	left, read int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	e.read += int64(n)
	if errors.Is(err, io.EOF) {
		if e.left > 0 {
			return n, errShortBody
		}
		err = nil
	}
	return n, err
}

// storageURL checks a URL the API gave for the storage: absolute, https
// (plain http only to loopback or with WithAllowInsecureHTTP), no user info.
func (c *Client) storageURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("is not a URL")
	}
	switch {
	case u.Host == "" || u.User != nil:
		return nil, errors.New("must be an absolute URL without user info")
	case u.Scheme == "https":
	case u.Scheme == "http" && (c.insecure || isLoopback(u.Hostname())):
	default:
		return nil, errors.New("must be https")
	}
	return u, nil
}

// storageClient is the client's transport (its proxy and TLS settings)
// without its cookie jar, following redirects within target's origin only.
func (c *Client) storageClient(target *url.URL) *http.Client {
	return &http.Client{Transport: c.http.Transport, CheckRedirect: sameOriginOnly(target, nil)}
}

// storageAttempt makes one plain request to the storage: no API key and
// none of the client's headers. It returns the status and, for an error
// status, the start of the body.
func (c *Client) storageAttempt(ctx context.Context, method string, n int, target *url.URL, contentType string, body io.Reader, length int64) (int, []byte, error) {
	actx, cancel := context.WithTimeout(ctx, c.attemptTO)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, target.String(), body)
	if err != nil {
		return 0, nil, err
	}
	req.ContentLength = length
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", c.header.Get("User-Agent"))
	started := time.Now()
	resp, err := c.storageClient(target).Do(req)
	if err != nil {
		c.logStorage(ctx, method, http.MethodPost, target, n, 0, started)
		return 0, nil, redactURLError(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, storageErrorBodyCap))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // so the connection is reused
	c.logStorage(ctx, method, http.MethodPost, target, n, resp.StatusCode, started)
	return resp.StatusCode, raw, nil
}

// logStorage logs a storage request by its host only: its path and query
// are part of the credential.
func (c *Client) logStorage(ctx context.Context, method, httpMethod string, target *url.URL, n, status int, started time.Time) {
	if !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "browseruse: storage request",
		slog.String("operation", method), slog.String("method", httpMethod), slog.String("host", target.Host),
		slog.Int("status", status), slog.Int("attempt", n), slog.Duration("duration", time.Since(started)))
}

// redactURLError drops the URL's path and query from a net/http error.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			ue.URL = u.Scheme + "://" + u.Host + "/[REDACTED]"
		} else {
			ue.URL = "[REDACTED]"
		}
	}
	return err
}

// maskedError is an error with secrets masked in its text; it keeps the
// text, not the secrets, so that no way of printing it shows them.
type maskedError struct {
	msg string
	err error
}

func maskErr(err error, secrets []string) maskedError {
	return maskedError{msg: maskAll(err.Error(), secrets), err: err}
}

func (m maskedError) Error() string    { return m.msg }
func (m maskedError) GoString() string { return m.msg }
func (m maskedError) Unwrap() error    { return m.err }

func maskAll(s string, secrets []string) string {
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "[REDACTED]")
		}
	}
	return s
}

// storageError reads S3's XML error; secrets are masked in what is kept.
func storageError(method string, status int, raw []byte, attempts int, secrets []string) *StorageError {
	var x struct {
		Code      string `xml:"Code"`
		Message   string `xml:"Message"`
		RequestID string `xml:"RequestId"`
	}
	_ = xml.Unmarshal(raw, &x) // a body that is not S3's XML leaves them empty
	masked := maskAll(string(raw), secrets)
	return &StorageError{
		Operation: method, StatusCode: status, Attempts: attempts,
		Code: maskAll(x.Code, secrets), Message: maskAll(x.Message, secrets), RequestID: maskAll(x.RequestID, secrets),
		RawBody: []byte(masked),
	}
}

// storageRetry is how a request to the storage retries: as an idempotent
// operation of the table does, when its body can be sent again.
var storageRetry = operationInfo{method: "storage", retry: retryIdempotent}

// retryStorage decides, with the client's RetryPolicy, whether a failed
// storage attempt (a status, or err) is retried and after how long. A body
// that cannot be sent again, a cross-origin redirect and a download over
// the cap are not retried.
func (c *Client) retryStorage(ctx context.Context, attempt, status int, err error, canResend bool) (time.Duration, bool) {
	if ctx.Err() != nil {
		return 0, false
	}
	permanent := !canResend || errors.Is(err, ErrCrossOriginRedirect) || errors.Is(err, ErrResponseTooLarge)
	return c.retry.next(&storageRetry, attempt, attemptOutcome{status: status, transport: err, sent: true, permanent: permanent})
}

// OutputFileURL returns a short-lived link to a file a task produced
// (Task.OutputFiles). It is a credential until it expires; see
// DownloadOutputFile to fetch the file without handling it.
func (c *Client) OutputFileURL(ctx context.Context, taskID, fileID string) (string, error) {
	out, err := c.outputFile(ctx, "", taskID, fileID)
	if err != nil {
		return "", err
	}
	return out.DownloadURL, nil
}

func (c *Client) outputFile(ctx context.Context, method, taskID, fileID string) (*gen.TaskOutputFileResponse, error) {
	req, err := gen.NewGetTaskOutputFileRequest(c.server, taskID, fileID)
	return do[gen.TaskOutputFileResponse](ctx, c, call{op: opGetTaskOutputFile, method: method}, req, err)
}

// DownloadOutputFile streams a file a task produced into w and returns its
// size. It asks the API for the file's link, then GETs it from the storage
// with a plain request (no API key, none of the client's headers, no
// redirect to another origin). A file over WithMaxDownloadBytes (100 MiB by
// default) fails with ErrResponseTooLarge, before reading when the storage
// declares its length, else once the cap is passed (w then holds the first
// bytes). A failure before any byte was written is retried per the
// client's RetryPolicy; the storage's refusal is a *StorageError.
func (c *Client) DownloadOutputFile(ctx context.Context, taskID, fileID string, w io.Writer) (int64, error) {
	return c.download(ctx, "DownloadOutputFile", taskID, fileID, w)
}

func (c *Client) download(ctx context.Context, method, taskID, fileID string, w io.Writer) (int64, error) {
	out, err := c.outputFile(ctx, method, taskID, fileID)
	if err != nil {
		return 0, err
	}
	secrets := urlSecrets(out.DownloadURL)
	target, err := c.storageURL(out.DownloadURL)
	if err != nil {
		return 0, &ResponseValidationError{Operation: method, StatusCode: http.StatusOK, Violations: []string{"/downloadUrl: " + err.Error()}}
	}
	for attempt := 1; ; attempt++ {
		n, status, raw, err := c.downloadAttempt(ctx, method, attempt, target, w)
		if err == nil && status/100 == 2 {
			return n, nil
		}
		wait, retry := c.retryStorage(ctx, attempt, status, err, n == 0)
		if !retry {
			if err != nil {
				return n, &TransportError{Operation: method, Attempts: attempt, Err: maskErr(err, secrets)}
			}
			return n, storageError(method, status, raw, attempt, secrets)
		}
		if !sleepCtx(ctx, wait) {
			return 0, &TransportError{Operation: method, Attempts: attempt, Err: ctx.Err()}
		}
	}
}

func (c *Client) downloadAttempt(ctx context.Context, method string, attempt int, target *url.URL, w io.Writer) (int64, int, []byte, error) {
	actx, cancel := context.WithTimeout(ctx, c.attemptTO)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, target.String(), nil)
	if err != nil {
		return 0, 0, nil, err
	}
	req.Header.Set("User-Agent", c.header.Get("User-Agent"))
	started := time.Now()
	resp, err := c.storageClient(target).Do(req)
	if err != nil {
		c.logStorage(ctx, method, http.MethodGet, target, attempt, 0, started)
		return 0, 0, nil, redactURLError(err)
	}
	defer resp.Body.Close()
	c.logStorage(ctx, method, http.MethodGet, target, attempt, resp.StatusCode, started)
	if resp.StatusCode/100 != 2 {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, storageErrorBodyCap))
		return 0, resp.StatusCode, raw, nil
	}
	if resp.ContentLength > c.maxDownload {
		return 0, resp.StatusCode, nil, fmt.Errorf("%w: the file has %d bytes, more than the cap of %d (WithMaxDownloadBytes)", ErrResponseTooLarge, resp.ContentLength, c.maxDownload)
	}
	n, err := io.Copy(w, io.LimitReader(resp.Body, c.maxDownload))
	if err != nil {
		return n, resp.StatusCode, nil, redactURLError(err)
	}
	if extra, _ := io.ReadFull(resp.Body, make([]byte, 1)); extra > 0 {
		return n, resp.StatusCode, nil, fmt.Errorf("%w: the file has more than the cap of %d bytes (WithMaxDownloadBytes)", ErrResponseTooLarge, c.maxDownload)
	}
	return n, resp.StatusCode, nil, nil
}

// SaveOutputFiles downloads every output file of a task into dir (which
// must exist) and returns the paths it wrote, in the task's order.
//
// Names come from the server, so each is made safe first (SafeFileName):
// only its last element is kept, and the file is created through an
// os.Root of dir, so no name (../../etc/passwd, an absolute path, a
// Windows path, a symlink in dir) can write outside it. An existing file is
// never replaced: the name gets " (2)", " (3)", ... before its extension,
// as a browser does, so two files with one name are both kept. A file that
// fails is removed and the others are still saved; the errors are joined.
func (c *Client) SaveOutputFiles(ctx context.Context, taskID, dir string) ([]string, error) {
	task, err := c.GetTask(ctx, taskID)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	var paths []string
	var errs []error
	for _, file := range task.OutputFiles {
		name, err := c.saveOne(ctx, root, taskID, file)
		if err != nil {
			errs = append(errs, fmt.Errorf("output file %s: %w", file.ID, err))
			continue
		}
		paths = append(paths, filepath.Join(dir, name))
	}
	return paths, errors.Join(errs...)
}

func (c *Client) saveOne(ctx context.Context, root *os.Root, taskID string, file gen.FileView) (string, error) {
	name := SafeFileName(file.FileName, file.ID)
	f, name, err := createUnique(root, name)
	if err != nil {
		return "", err
	}
	_, err = c.download(ctx, "SaveOutputFiles", taskID, file.ID, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = root.Remove(name)
		return "", err
	}
	return name, nil
}

// createUnique creates name in root, or "name (2).ext", ... when it exists.
func createUnique(root *os.Root, name string) (*os.File, string, error) {
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	try := name
	for i := 2; ; i++ {
		f, err := root.OpenFile(try, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			return f, try, nil
		}
		if !errors.Is(err, fs.ErrExist) || i > 1000 {
			return nil, "", err
		}
		suffix := " (" + strconv.Itoa(i) + ")"
		try = truncateName(stem, maxFileName-len(suffix)-len(ext)) + suffix + ext
	}
}

// SafeFileName makes a file name from a server safe to create in a
// directory: its last element only (after / or \), without NUL, control
// characters or characters Windows refuses (<>:"|?*), no trailing dots or
// spaces, not a reserved Windows name (CON, NUL, COM1, ...: prefixed with
// "_"), valid UTF-8, at most 255 bytes. A name left empty, "." or ".."
// becomes "file-<fallback>" (SaveOutputFiles passes the file's ID).
func SafeFileName(name, fallback string) string {
	name = strings.ToValidUTF8(name, "_")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case isControl(r):
			return -1
		case strings.ContainsRune(`<>:"|?*`, r):
			return '_'
		}
		return r
	}, name)
	name = strings.TrimRight(strings.TrimSpace(name), ". ")
	if name == "" {
		name = "file-" + strings.Map(func(r rune) rune {
			if r < 0x80 && (r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return r
			}
			return -1
		}, fallback)
	}
	stem, _, _ := strings.Cut(name, ".")
	switch strings.ToUpper(strings.TrimSpace(stem)) {
	case "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		name = "_" + name
	}
	if len(name) > maxFileName {
		ext := filepath.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		name = truncateName(strings.TrimSuffix(name, ext), maxFileName-len(ext)) + ext
	}
	return name
}

// truncateName cuts s to at most n bytes at a rune boundary.
func truncateName(s string, n int) string {
	if n < 1 {
		n = 1
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
