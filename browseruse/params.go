package browseruse

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/browseruse-go/browseruse-go/gen"
)

// CreateSessionParams are the settings of a new session. The zero value is
// valid: it sends {} and the server applies its defaults. A field left at
// its zero value is not sent.
type CreateSessionParams struct {
	// ProfileID loads a browser profile (cookies, logins); a UUID.
	ProfileID string `wire:"profileId"`
	// Proxy chooses the proxy: the zero value leaves it to the server
	// (which uses "us"), ProxyOff() turns it off (sends null), ProxyIn("DE")
	// picks a country (any case; sent lowercase).
	Proxy ProxySetting `wire:"proxyCountryCode"`
	// StartURL is a page to open when the browser starts.
	StartURL string `wire:"startUrl"`
	// ScreenWidth is the browser's screen width in pixels, 320..6144.
	ScreenWidth *int `wire:"browserScreenWidth"`
	// ScreenHeight is the browser's screen height in pixels, 320..3456.
	ScreenHeight *int `wire:"browserScreenHeight"`
	// PersistMemory: nil leaves the server default (true); Ptr(false) makes
	// every task start without the context of the ones before.
	PersistMemory *bool `wire:"persistMemory"`
	// KeepAlive: nil leaves the server default (true); Ptr(false) closes the
	// session as soon as its task completes.
	KeepAlive *bool `wire:"keepAlive"`
	// EnableRecording: nil leaves the server default (false).
	EnableRecording *bool `wire:"enableRecording"`
	// CustomProxy routes the browser through the user's own proxy.
	CustomProxy *CustomProxy `wire:"customProxy"`
}

// CustomProxy is the user's own proxy server. Its password never appears in
// errors, logs or fmt output of this package's types.
type CustomProxy struct {
	// Host is the proxy's host name or address (1..255 characters).
	Host string `wire:"host"`
	// Port is the proxy's TCP port (1..65535).
	Port int `wire:"port"`
	// Username and Password authenticate to the proxy; empty is not sent.
	Username string `wire:"username"`
	Password string `wire:"password" secret:"true"`
	// IgnoreCertErrors accepts TLS certificates the browser cannot verify.
	IgnoreCertErrors bool `wire:"ignoreCertErrors"`
}

// Format prints the proxy with its password masked, for every verb.
func (p CustomProxy) Format(f fmt.State, _ rune) { formatMasked(f, p) }

// LogValue logs the proxy with its password masked, with any slog handler
// (the JSON handler would otherwise marshal the password).
func (p CustomProxy) LogValue() slog.Value { return logMasked(p) }

// LogValue logs every parameter with the proxy password masked, with any
// slog handler.
func (p CreateSessionParams) LogValue() slog.Value { return logMasked(p) }

// Format prints every parameter with the proxy password masked, for every verb.
func (p CreateSessionParams) Format(f fmt.State, _ rune) { formatMasked(f, p) }

// ProxySetting is one of three choices for the proxy; see ProxyDefault,
// ProxyOff and ProxyIn. The zero value is ProxyDefault().
type ProxySetting struct {
	off     bool
	country string
}

// ProxyDefault leaves the proxy to the server (it uses "us"): nothing is sent.
func ProxyDefault() ProxySetting { return ProxySetting{} }

// ProxyOff runs the session without a proxy: proxyCountryCode is sent as null.
func ProxyOff() ProxySetting { return ProxySetting{off: true} }

// ProxyIn routes through a proxy in this country: an ISO 3166-1 alpha-2
// code in any case ("DE", "de"), sent lowercase and checked against the
// codes openapi.yaml lists.
func ProxyIn(country string) ProxySetting {
	return ProxySetting{country: strings.ToLower(strings.TrimSpace(country))}
}

// String returns "default", "off" or the country code.
func (p ProxySetting) String() string {
	switch {
	case p.off:
		return "off"
	case p.country != "":
		return p.country
	}
	return "default"
}

// request is the generated request body for p: a field left at its zero
// value is not sent, Proxy picks one of the three wire states.
func (p CreateSessionParams) request() gen.CreateSessionRequest {
	r := gen.CreateSessionRequest{
		BrowserScreenWidth:  p.ScreenWidth,
		BrowserScreenHeight: p.ScreenHeight,
		PersistMemory:       p.PersistMemory,
		KeepAlive:           p.KeepAlive,
		EnableRecording:     p.EnableRecording,
		ProfileID:           nonEmpty(p.ProfileID),
		StartURL:            nonEmpty(p.StartURL),
	}
	r.ProxyCountryCode = p.Proxy.nullable()
	r.CustomProxy = p.CustomProxy.request()
	return r
}

// request is the generated form of the proxy (nil for none): empty
// strings are not sent, nor IgnoreCertErrors when false.
func (cp *CustomProxy) request() *gen.CustomProxy {
	if cp == nil {
		return nil
	}
	r := &gen.CustomProxy{
		Host:     cp.Host,
		Port:     cp.Port,
		Username: nonEmpty(cp.Username),
		Password: nonEmpty(cp.Password),
	}
	if cp.IgnoreCertErrors {
		r.IgnoreCertErrors = Ptr(true)
	}
	return r
}

// secrets are the values to mask in errors: the password, if any.
func (cp *CustomProxy) secrets() []string {
	if cp != nil && cp.Password != "" {
		return []string{cp.Password}
	}
	return nil
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (p CreateSessionParams) secrets() []string { return p.CustomProxy.secrets() }

// ListSessionsParams selects a page of sessions. Nil fields are not sent.
type ListSessionsParams struct {
	// PageSize is how many sessions a page holds, 1..100 (server default 10).
	PageSize *int `wire:"pageSize"`
	// PageNumber is the page, from 1 (the default).
	PageNumber *int `wire:"pageNumber"`
	// Status returns only sessions in this state; "" returns all.
	Status SessionStatus `wire:"filterBy"`
}

// request is the generated query parameters for p.
func (p ListSessionsParams) request() *gen.ListSessionsParams {
	r := &gen.ListSessionsParams{PageSize: p.PageSize, PageNumber: p.PageNumber}
	if p.Status != "" {
		r.FilterBy = &p.Status
	}
	return r
}
