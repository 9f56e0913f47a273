package browserusetest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/browseruse-go/browseruse-go/gen"
)

// File is a file in the fake: one uploaded to a session (TaskInput.Files),
// or one a task produced (TaskResult.OutputFiles).
type File struct {
	Name string
	Data []byte
}

// StorageRequest is a request the fake's storage received (see
// StorageRequests): the storage is another origin, as S3 is, so that a
// test can check what reached it.
type StorageRequest struct {
	Method, Path string
	Header       http.Header
	// SawAPIKey: the fake's API key was somewhere in the request (a header,
	// the URL or the body). A client must never send it there.
	SawAPIKey bool
}

const (
	// uploadExpiry and downloadExpiry are how long presigned URLs last, on the fake's clock.
	uploadExpiry   = time.Hour
	downloadExpiry = 10 * time.Minute
	maxUploadBytes = 10 << 20
	// The fields of a presigned POST, in the order the fake sends them.
	fieldKey = "key"
	fieldCT  = "Content-Type"
	fieldSig = "x-amz-signature"
	fieldPol = "policy"
)

// download is a presigned GET of an output file.
type download struct {
	file    File
	expires time.Time
}

// uploadPolicy is the decoded policy field of a presigned POST.
type uploadPolicy struct {
	Expiration string `json:"expiration"`
	Key        string `json:"key"`
	Type       string `json:"contentType"`
	Size       int    `json:"size"`
	SessionID  string `json:"sessionId,omitempty"`
	BrowserID  string `json:"browserId,omitempty"`
	Name       string `json:"fileName"`
}

// WithStorageURL sets the origin the presigned URLs point at (NewServer
// sets it to the storage listener it starts; a Fake served some other way
// serves StorageHandler there itself).
func WithStorageURL(u string) Option {
	return func(f *Fake) { f.storageURL = strings.TrimRight(u, "/") }
}

// StorageRequests returns the requests the fake's storage received, oldest first.
func (f *Fake) StorageRequests() []StorageRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]StorageRequest, len(f.storageLog))
	for i, r := range f.storageLog {
		r.Header = r.Header.Clone()
		out[i] = r
	}
	return out
}

// SessionFiles returns the files uploaded to a session, oldest first.
func (f *Fake) SessionFiles(sessionID string) []File {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s, ok := f.sessions[sessionID]; ok {
		return cloneFiles(s.files)
	}
	return nil
}

// FailStorage makes the next n storage requests answer status with an
// S3-style XML error (InternalError for 5xx, else AccessDenied), after
// reading their body, as S3 would.
func (f *Fake) FailStorage(n, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.storageFaults, f.storageFaultStatus = n, status
}

func cloneFiles(files []File) []File {
	if len(files) == 0 {
		return nil
	}
	out := make([]File, len(files))
	for i, file := range files {
		out[i] = File{Name: file.Name, Data: bytes.Clone(file.Data)}
	}
	return out
}

// sign is the fake's signature of a policy.
func (f *Fake) sign(policy string) string {
	mac := hmac.New(sha256.New, []byte(f.storageSecret))
	mac.Write([]byte(policy))
	return hex.EncodeToString(mac.Sum(nil))
}

// orderedFields marshals as a JSON object whose keys keep their order, as
// S3's presigned POST fields come.
type orderedFields [][2]string

func (o orderedFields) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(kv[0])
		v, _ := json.Marshal(kv[1])
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

type presignedPost struct {
	URL       string        `json:"url"`
	Method    string        `json:"method"`
	Fields    orderedFields `json:"fields"`
	FileName  string        `json:"fileName"`
	ExpiresIn int           `json:"expiresIn"`
}

// createUploadURL answers a presigned POST for one file of a session.
func (f *Fake) createUploadURL(req request) reply {
	return f.presignUpload(req, func(sign func(uploadPolicy) reply) reply {
		return f.onSession(req, func(s *session) reply { return sign(uploadPolicy{SessionID: s.view.ID}) })
	})
}

// createBrowserUploadURL answers a presigned POST for one file of a browser.
func (f *Fake) createBrowserUploadURL(req request) reply {
	return f.presignUpload(req, func(sign func(uploadPolicy) reply) reply {
		return f.onBrowser(req, func(b *browserSession) (reply, []browserProcess) {
			return sign(uploadPolicy{BrowserID: b.view.ID}), nil
		})
	})
}

// presignUpload decodes an upload request and answers what target does
// with sign, which completes and signs the policy it is given (the owner of
// the file), under the fake's lock.
func (f *Fake) presignUpload(req request, target func(sign func(uploadPolicy) reply) reply) reply {
	var in gen.UploadFileRequest
	if invalid := decodeBody(req, &in); invalid != nil {
		return *invalid
	}
	if !in.ContentType.Valid() {
		return detail(http.StatusBadRequest, "Unsupported content type")
	}
	return target(func(p uploadPolicy) reply {
		now := f.now().UTC()
		owner := p.SessionID + p.BrowserID
		p.Expiration = now.Add(uploadExpiry).Format(time.RFC3339Nano)
		p.Key = "uploads/" + owner + "/" + newUUID() + "/" + in.FileName
		p.Type, p.Size, p.Name = string(in.ContentType), in.SizeBytes, in.FileName
		raw, _ := json.Marshal(p)
		policy := base64.StdEncoding.EncodeToString(raw)
		fields := orderedFields{
			{fieldKey, p.Key},
			{fieldCT, p.Type},
			{"x-amz-algorithm", "AWS4-HMAC-SHA256"},
			{"x-amz-credential", "FAKEACCESSKEY" + randomHex(8) + "/" + now.Format("20060102") + "/us-east-1/s3/aws4_request"},
			{"x-amz-date", now.Format("20060102T150405Z")},
			{fieldPol, policy},
			{fieldSig, f.sign(policy)},
		}
		return reply{http.StatusOK, presignedPost{URL: f.storageURL + "/upload", Method: "POST", Fields: fields, FileName: in.FileName, ExpiresIn: int(uploadExpiry / time.Second)}}
	})
}

// getTaskOutputFile answers a short-lived link to a task's output file.
func (f *Fake) getTaskOutputFile(req request) reply {
	return f.onTask(req, func(t *task) reply {
		id := req.r.PathValue("file_id")
		file, ok := t.files[id]
		if !ok {
			return detail(http.StatusNotFound, "Output file not found")
		}
		u := f.downloadURLLocked(file, downloadExpiry)
		return reply{http.StatusOK, gen.TaskOutputFileResponse{ID: id, FileName: file.Name, DownloadURL: u}}
	})
}

// downloadURLLocked makes a presigned link of the fake's storage that
// serves file until expiry has passed on the fake's clock.
func (f *Fake) downloadURLLocked(file File, expiry time.Duration) string {
	token := randomHex(16)
	f.downloads[token] = download{file: file, expires: f.now().Add(expiry)}
	return f.storageURL + "/download/" + token + "?X-Amz-Expires=" + strconv.Itoa(int(expiry/time.Second)) + "&X-Amz-Signature=" + f.sign(token)
}

// StorageHandler is the fake's storage, S3-like: presigned POST uploads at
// /upload, presigned GET downloads at /download/{token}. NewServer serves
// it on a second listener, another origin than the API's.
func (f *Fake) StorageHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /upload", f.storeUpload)
	mux.HandleFunc("GET /download/{token}", f.serveDownload)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		f.recordStorage(r, nil)
		s3Error(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
	})
	return mux
}

// recordStorage logs a storage request; a fault set by FailStorage is
// returned for the handler to answer.
func (f *Fake) recordStorage(r *http.Request, body []byte) (faultStatus int) {
	key := f.apiKey
	saw := strings.Contains(r.URL.String(), key) || bytes.Contains(body, []byte(key))
	for _, values := range r.Header {
		for _, v := range values {
			saw = saw || strings.Contains(v, key)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.storageLog = append(f.storageLog, StorageRequest{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), SawAPIKey: saw})
	if f.storageFaults > 0 {
		f.storageFaults--
		return f.storageFaultStatus
	}
	return 0
}

// s3Error answers as S3 does: XML, with a code and a message.
func s3Error(w http.ResponseWriter, status int, code, msg string, extra ...[2]string) {
	var b strings.Builder
	b.WriteString(xml.Header + "<Error><Code>" + code + "</Code><Message>")
	_ = xml.EscapeText(&b, []byte(msg))
	b.WriteString("</Message>")
	for _, kv := range extra {
		b.WriteString("<" + kv[0] + ">")
		_ = xml.EscapeText(&b, []byte(kv[1]))
		b.WriteString("</" + kv[0] + ">")
	}
	b.WriteString("<RequestId>" + strings.ToUpper(randomHex(8)) + "</RequestId></Error>")
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, b.String())
}

// storeUpload takes a presigned POST: every field before the file part,
// the signature, the policy's expiry on the fake's clock, its key, content
// type and size. It answers 204, as S3 does without success_action_status.
func (f *Fake) storeUpload(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxUploadBytes+64<<10))
	if status := f.recordStorage(r, raw); status != 0 {
		code := "AccessDenied"
		if status >= 500 {
			code = "InternalError"
		}
		s3Error(w, status, code, "fake: injected failure")
		return
	}
	if err != nil {
		s3Error(w, http.StatusBadRequest, "IncompleteBody", "The request body could not be read.")
		return
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		s3Error(w, http.StatusPreconditionFailed, "PreconditionFailed", "Bucket POST must be of the enclosure-type multipart/form-data")
		return
	}
	fields := map[string]string{}
	var file []byte
	gotFile := false
	mr := multipart.NewReader(bytes.NewReader(raw), params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			s3Error(w, http.StatusBadRequest, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.")
			return
		}
		data, err := io.ReadAll(io.LimitReader(part, maxUploadBytes+1))
		if err != nil {
			s3Error(w, http.StatusBadRequest, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.")
			return
		}
		name := part.FormName()
		switch {
		case gotFile:
			// S3 ignores what follows the file; the fake refuses it, so
			// that a client sending fields after the file fails a test.
			s3Error(w, http.StatusBadRequest, "InvalidArgument", "Field "+name+" follows the file: the file must be the last part of the form.")
			return
		case name == "file":
			gotFile, file = true, data
		default:
			fields[name] = string(data)
		}
	}
	if !gotFile {
		s3Error(w, http.StatusBadRequest, "InvalidArgument", "POST requires exactly one file upload per request.")
		return
	}
	for _, name := range []string{fieldKey, fieldCT, "x-amz-algorithm", "x-amz-credential", "x-amz-date", fieldPol, fieldSig} {
		if _, ok := fields[name]; !ok {
			s3Error(w, http.StatusBadRequest, "InvalidArgument", "Bucket POST must contain a field named '"+name+"'.")
			return
		}
	}
	if !hmac.Equal([]byte(f.sign(fields[fieldPol])), []byte(fields[fieldSig])) {
		s3Error(w, http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.",
			[2]string{"StringToSign", fields[fieldPol]}, [2]string{"SignatureProvided", fields[fieldSig]})
		return
	}
	var p uploadPolicy
	policyJSON, err := base64.StdEncoding.DecodeString(fields[fieldPol])
	if err == nil {
		err = json.Unmarshal(policyJSON, &p)
	}
	expires, terr := time.Parse(time.RFC3339Nano, p.Expiration)
	if err != nil || terr != nil {
		s3Error(w, http.StatusBadRequest, "InvalidPolicyDocument", "Invalid Policy: Invalid JSON.")
		return
	}
	switch {
	case !f.now().Before(expires):
		s3Error(w, http.StatusForbidden, "AccessDenied", "Invalid according to Policy: Policy expired.")
		return
	case fields[fieldKey] != p.Key:
		s3Error(w, http.StatusForbidden, "AccessDenied", "Invalid according to Policy: Policy Condition failed: [\"eq\", \"$key\", ...]")
		return
	case fields[fieldCT] != p.Type:
		s3Error(w, http.StatusForbidden, "AccessDenied", "Invalid according to Policy: Policy Condition failed: [\"eq\", \"$Content-Type\", ...]")
		return
	case len(file) > p.Size:
		s3Error(w, http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
		return
	case len(file) < p.Size:
		s3Error(w, http.StatusBadRequest, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
		return
	}
	f.mu.Lock()
	var files *[]File // the session's or the browser's
	if s, found := f.sessions[p.SessionID]; found && p.SessionID != "" {
		files = &s.files
	} else if b, found := f.browsers[p.BrowserID]; found && p.BrowserID != "" {
		files = &b.files
	}
	ok := files != nil
	if ok {
		*files = slices.DeleteFunc(*files, func(x File) bool { return x.Name == p.Name }) // the same name replaces
		*files = append(*files, File{Name: p.Name, Data: file})
	}
	f.mu.Unlock()
	if !ok {
		s3Error(w, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// serveDownload serves an output file by its presigned link, until it expires.
func (f *Fake) serveDownload(w http.ResponseWriter, r *http.Request) {
	if status := f.recordStorage(r, nil); status != 0 {
		s3Error(w, status, "InternalError", "fake: injected failure")
		return
	}
	token := r.PathValue("token")
	f.mu.Lock()
	d, ok := f.downloads[token]
	expired := ok && !f.now().Before(d.expires)
	f.mu.Unlock()
	switch {
	case !ok || !hmac.Equal([]byte(f.sign(token)), []byte(r.URL.Query().Get("X-Amz-Signature"))):
		s3Error(w, http.StatusForbidden, "AccessDenied", "Access Denied")
		return
	case expired:
		s3Error(w, http.StatusForbidden, "AccessDenied", "Request has expired")
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(d.file.Data)))
	_, _ = w.Write(d.file.Data)
}
