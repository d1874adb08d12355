package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"traguardo/internal/audit"
	"traguardo/internal/auth"
	"traguardo/internal/store"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// Sign-in with the body's OpenID Connect provider: the authorization code
// flow with PKCE (S256), a state and a nonce.
//
// The state, the nonce and the PKCE verifier of a sign-in under way are
// kept in the server-side session (scs, in PostgreSQL), not in a cookie of
// their own: the session is already there, bound to the browser (so an
// answer of the provider reaching another browser finds no state there,
// which stops login CSRF), nothing of it reaches the browser but the
// session's random token, and a state is usable once because the answer
// pops it from the session whatever the outcome; a successful sign-in then
// renews the session's token, so the old one (and whatever it held) is gone
// from the store. A signed cookie would need a table of used states to be
// usable once. The provider redirects the browser back with a top-level
// GET, which carries the session cookie (SameSite=Lax).
//
// The account is Traguardo's: it is found by the identity already linked to
// it (issuer and subject), or, at its first sign-in there, by the e-mail
// that the provider vouches for (store.SignInIdentity), and linked then.
// Roles and centres stay Traguardo's; no account is ever created here.

// OIDCConfig is the body's OpenID Connect provider and Traguardo's client
// registered there.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL: its discovery document is at
	// Issuer + "/.well-known/openid-configuration" and must name the same
	// issuer.
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is the absolute URL of paths.SignInReturn as the browser
	// reaches the application: registered at the provider as the redirect
	// URI.
	RedirectURL string
	// PostLogoutRedirectURL is where the provider sends the browser after
	// signing out there (registered at the provider as the post-logout
	// redirect URI). Default: the sign-in page at RedirectURL's origin.
	PostLogoutRedirectURL string
	// ProviderName labels the button: "Accedi con <ProviderName>".
	ProviderName string
	// Scopes asked of the provider; default "openid email profile".
	Scopes []string
	// EmailVerifiedClaim is the ID token's boolean claim that says the
	// provider vouches for the e-mail; default "email_verified" (Microsoft
	// Entra ID: "xms_edov", see the operations guide).
	EmailVerifiedClaim string
	// HTTPClient makes the requests to the provider; default: one with a
	// 10-second timeout.
	HTTPClient *http.Client
}

// The timings of the provider.
const (
	// oidcStartTimeout bounds the discovery tried as the server starts.
	oidcStartTimeout = 5 * time.Second
	// oidcDiscoveryTimeout bounds a discovery tried at a sign-in.
	oidcDiscoveryTimeout = 5 * time.Second
	// oidcRetryAfter is how long a failed discovery is not tried again:
	// sign-ins meanwhile get the "provider unavailable" page at once.
	oidcRetryAfter = 10 * time.Second
	// oidcFlowLifetime bounds the time from the start of a sign-in to the
	// provider's answer.
	oidcFlowLifetime = 10 * time.Minute
)

// Session keys of a sign-in with the provider: the sign-in under way
// (popped by the answer), and, once signed in, how and the ID token (the
// hint of the provider's sign-out).
const (
	keyOIDCState    = "oidc_state"
	keyOIDCNonce    = "oidc_nonce"
	keyOIDCVerifier = "oidc_verifier"
	keyOIDCNext     = "oidc_next"
	keyOIDCStarted  = "oidc_started"
	keyMethod       = "method"
	keyIDToken      = "oidc_id_token"
	methodOIDC      = "oidc"
)

// oidcClient is the provider, discovered once and kept: the first
// discovery that succeeds is used for the life of the process (the keys are
// fetched again by go-oidc when a token names a key it does not know).
type oidcClient struct {
	cfg    OIDCConfig
	log    *slog.Logger
	client *http.Client

	mu       sync.Mutex
	p        *oidcProvider
	failedAt time.Time
	err      error
	// formOrigins are the provider's origins a form of the application may
	// lead to (its authorization and end-session endpoints; the issuer's
	// until discovered), for the CSP's form-action.
	formOrigins atomic.Pointer[string]
}

// origins are the provider's origins for form-action, space-separated.
func (o *oidcClient) origins() string { return *o.formOrigins.Load() }

// originsOf are the distinct origins of the URLs, space-separated, in
// order; a URL that does not parse is left out.
func originsOf(urls ...string) string {
	var out []string
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme == "" || u.Host == "" {
			continue
		}
		if o := u.Scheme + "://" + u.Host; !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return strings.Join(out, " ")
}

// oidcProvider is what discovery tells.
type oidcProvider struct {
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	// endSession is the provider's end_session_endpoint, "" when it has
	// none (no RP-initiated logout).
	endSession string
}

func newOIDCClient(cfg OIDCConfig, log *slog.Logger) *oidcClient {
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{oidc.ScopeOpenID, "email", "profile"}
	}
	if cfg.EmailVerifiedClaim == "" {
		cfg.EmailVerifiedClaim = "email_verified"
	}
	if cfg.ProviderName == "" {
		cfg.ProviderName = "il fornitore di identità dell'ente"
	}
	if cfg.PostLogoutRedirectURL == "" {
		if u, err := url.Parse(cfg.RedirectURL); err == nil {
			cfg.PostLogoutRedirectURL = (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: paths.SignIn}).String()
		}
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	o := &oidcClient{cfg: cfg, log: log, client: client}
	origins := originsOf(cfg.Issuer)
	o.formOrigins.Store(&origins)
	return o
}

// errProviderDown is a provider that cannot be reached now.
var errProviderDown = errors.New("oidc: provider unavailable")

// provider returns the discovered provider, discovering it if needed (at
// most once per oidcRetryAfter while it fails).
func (o *oidcClient) provider(ctx context.Context) (*oidcProvider, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.p != nil {
		return o.p, nil
	}
	if !o.failedAt.IsZero() && time.Since(o.failedAt) < oidcRetryAfter {
		return nil, o.err
	}
	ctx, cancel := context.WithTimeout(ctx, oidcDiscoveryTimeout)
	defer cancel()
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, o.client), o.cfg.Issuer)
	if err != nil {
		o.failedAt, o.err = time.Now(), fmt.Errorf("%w: %v", errProviderDown, err)
		o.log.Warn("oidc: the provider's discovery failed: sign-in with it is unavailable until it answers (tried again at the next sign-in)",
			"issuer", o.cfg.Issuer, "err", err)
		return nil, o.err
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := p.Claims(&meta); err != nil {
		o.log.Warn("oidc: the discovery document does not decode", "issuer", o.cfg.Issuer, "err", err)
	}
	o.p = &oidcProvider{
		oauth: oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, Endpoint: p.Endpoint(),
			RedirectURL: o.cfg.RedirectURL, Scopes: o.cfg.Scopes},
		verifier:   p.Verifier(&oidc.Config{ClientID: o.cfg.ClientID}),
		endSession: meta.EndSession,
	}
	origins := originsOf(o.cfg.Issuer, p.Endpoint().AuthURL, meta.EndSession)
	o.formOrigins.Store(&origins)
	o.log.Info("oidc: provider discovered", "issuer", o.cfg.Issuer, "client", o.cfg.ClientID,
		"redirect", o.cfg.RedirectURL, "end_session", meta.EndSession != "")
	return o.p, nil
}

// providerDown is the page of a provider that does not answer.
func (s *Server) providerDown(w http.ResponseWriter) error {
	w.Header().Set("Retry-After", "60")
	return &httpError{status: http.StatusServiceUnavailable, title: "Servizio di accesso non disponibile",
		message: "Il servizio di accesso (" + s.oidc.cfg.ProviderName + ") non risponde in questo momento: riprovare tra qualche minuto. " +
			"Se il problema continua, avvisare l'amministratore."}
}

// oidcStart starts a sign-in with the provider: a new state, nonce and
// PKCE verifier in the session, and the browser sent to the provider.
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) error {
	if s.oidc == nil {
		return notFound("L'accesso con un fornitore di identità non è configurato.")
	}
	ctx := r.Context()
	next := s.safeNext(r.PostFormValue("next"))
	if auth.UserFrom(ctx) != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	p, err := s.oidc.provider(ctx)
	if err != nil {
		return s.providerDown(w)
	}
	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
	s.sessions.Put(ctx, keyOIDCState, state)
	s.sessions.Put(ctx, keyOIDCNonce, nonce)
	s.sessions.Put(ctx, keyOIDCVerifier, verifier)
	s.sessions.Put(ctx, keyOIDCNext, next)
	s.sessions.Put(ctx, keyOIDCStarted, time.Now().Unix())
	http.Redirect(w, r, p.oauth.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce)), http.StatusSeeOther)
	return nil
}

// oidcReturn is the provider's answer: the state checked (and used up),
// the code exchanged with the PKCE verifier, the ID token verified
// (signature by the provider's keys, issuer, audience, expiry, nonce), the
// account found (store.SignInIdentity). Every refusal is audited and
// answered with the sign-in page and its reason.
func (s *Server) oidcReturn(w http.ResponseWriter, r *http.Request) error {
	if s.oidc == nil {
		return notFound("L'accesso con un fornitore di identità non è configurato.")
	}
	ctx := r.Context()
	q := r.URL.Query()
	// Popped whatever follows: a state is usable once.
	state := s.sessions.PopString(ctx, keyOIDCState)
	nonce := s.sessions.PopString(ctx, keyOIDCNonce)
	verifier := s.sessions.PopString(ctx, keyOIDCVerifier)
	next := s.safeNext(s.sessions.PopString(ctx, keyOIDCNext))
	started, _ := s.sessions.Pop(ctx, keyOIDCStarted).(int64) // a Unix time: gob knows no time.Time
	if state == "" || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 || time.Since(time.Unix(started, 0)) > oidcFlowLifetime {
		return s.oidcRefuse(w, r, next, audit.RefusalState, "", "")
	}
	if e := q.Get("error"); e != "" {
		s.log.Warn("oidc: the provider answered with an error", "error", e, "description", q.Get("error_description"))
		return s.oidcRefuse(w, r, next, audit.RefusalProvider, "", "")
	}
	p, err := s.oidc.provider(ctx)
	if err != nil {
		return s.providerDown(w)
	}
	octx := oidc.ClientContext(ctx, s.oidc.client)
	tok, err := p.oauth.Exchange(octx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			s.log.Warn("oidc: the provider refused the code", "status", re.Response.StatusCode, "error", re.ErrorCode)
			return s.oidcRefuse(w, r, next, audit.RefusalToken, "", "")
		}
		if errors.Is(err, context.Canceled) {
			return err
		}
		s.log.Warn("oidc: the code could not be exchanged", "err", err)
		return s.providerDown(w)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		s.log.Warn("oidc: the provider's answer has no ID token")
		return s.oidcRefuse(w, r, next, audit.RefusalToken, "", "")
	}
	idt, err := p.verifier.Verify(octx, raw)
	if err != nil {
		s.log.Warn("oidc: ID token refused", "err", err)
		return s.oidcRefuse(w, r, next, audit.RefusalToken, "", "")
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		s.log.Warn("oidc: ID token claims do not decode", "err", err)
		return s.oidcRefuse(w, r, next, audit.RefusalToken, "", "")
	}
	azp, _ := claims["azp"].(string)
	switch {
	case subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1:
		s.log.Warn("oidc: ID token refused: its nonce is not this sign-in's")
		return s.oidcRefuse(w, r, next, audit.RefusalToken, "", idt.Subject)
	case len(idt.Audience) > 1 && azp != s.oidc.cfg.ClientID:
		// Issued for several clients: it must have been to this one.
		s.log.Warn("oidc: ID token refused: issued to another party", "azp", azp)
		return s.oidcRefuse(w, r, next, audit.RefusalToken, "", idt.Subject)
	case idt.Subject == "":
		s.log.Warn("oidc: ID token refused: no subject")
		return s.oidcRefuse(w, r, next, audit.RefusalToken, "", "")
	}
	email, _ := claims["email"].(string)
	id := store.Identity{Issuer: idt.Issuer, Subject: idt.Subject, Email: strings.TrimSpace(email),
		EmailVerified: claimTrue(claims[s.oidc.cfg.EmailVerifiedClaim])}
	u, reason, err := s.store.SignInIdentity(ctx, id, s.clientAddress(r))
	if err != nil {
		return err
	}
	if reason != "" {
		s.log.Warn("oidc: sign-in refused", "reason", reason)
		s.render(w, r, refusalStatus(reason), pages.SignIn(s.signInView(r, next, s.refusalMessage(reason, id.Email))))
		return nil
	}
	if err := s.beginSession(ctx, u); err != nil {
		return err
	}
	s.sessions.Put(ctx, keyMethod, methodOIDC)
	s.sessions.Put(ctx, keyIDToken, raw)
	s.log.Info("signed in with the provider", "user", u.ID)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// oidcRefuse audits a refusal decided before any account was looked up and
// answers the sign-in page with its reason.
func (s *Server) oidcRefuse(w http.ResponseWriter, r *http.Request, next string, reason audit.Refusal, email, subject string) error {
	s.log.Warn("oidc: sign-in refused", "reason", reason, "address", s.clientAddress(r))
	if err := s.store.RecordRefusal(r.Context(), reason, email, subject, s.clientAddress(r)); err != nil {
		return err
	}
	s.render(w, r, refusalStatus(reason), pages.SignIn(s.signInView(r, next, s.refusalMessage(reason, email))))
	return nil
}

// refusalStatus is the status of a refused sign-in: 403 for an account
// that may not sign in, 400 for an answer that is not one.
func refusalStatus(reason audit.Refusal) int {
	switch reason {
	case audit.RefusalUnknownEmail, audit.RefusalUnverifiedEmail, audit.RefusalInactive, audit.RefusalSubject, audit.RefusalProvider:
		return http.StatusForbidden
	}
	return http.StatusBadRequest
}

// refusalMessage tells the user why the sign-in was refused and what to do.
func (s *Server) refusalMessage(reason audit.Refusal, email string) string {
	name := s.oidc.cfg.ProviderName
	switch reason {
	case audit.RefusalUnknownEmail:
		m := "Il suo account non è abilitato: chieda all'amministratore di Traguardo di creare un account"
		if email != "" {
			m += " con l'email " + email
		}
		return m + "."
	case audit.RefusalUnverifiedEmail:
		return "Il suo account non è abilitato: " + name + " non ha comunicato un'email verificata. Chieda all'amministratore di Traguardo o all'ufficio informatico dell'ente."
	case audit.RefusalInactive:
		return "Il suo account è disattivato: chieda all'amministratore di Traguardo di riattivarlo."
	case audit.RefusalSubject:
		return "L'account di Traguardo con questa email è collegato a un'altra identità di " + name + ": chieda all'amministratore di Traguardo."
	case audit.RefusalProvider:
		return "L'accesso con " + name + " non è stato completato. Per accedere, riprovare."
	case audit.RefusalState:
		return "La richiesta di accesso è scaduta o è già stata usata: riprovare ad accedere."
	}
	return "La risposta di " + name + " non è valida: riprovare ad accedere. Se il problema continua, avvisare l'amministratore."
}

// claimTrue reads a boolean claim: true, or the string "true" that some
// providers send.
func claimTrue(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}

// signInView is the sign-in page with the ways this server signs in.
func (s *Server) signInView(r *http.Request, next, message string) pages.SignInView {
	v := pages.SignInView{Next: next, Message: message, Kept: s.keptFormNotice(r), Passwords: !s.cfg.PasswordsOff}
	if s.oidc != nil {
		v.Provider = s.oidc.cfg.ProviderName
	}
	return v
}

// providerLogout is the provider's end-session URL for a session opened
// with idToken (RP-initiated logout), or "" when there is none: no
// provider, a session opened by password, a provider without
// end_session_endpoint or not reachable now.
func (s *Server) providerLogout(ctx context.Context, idToken string) string {
	if s.oidc == nil || idToken == "" {
		return ""
	}
	p, err := s.oidc.provider(ctx)
	if err != nil || p.endSession == "" {
		return ""
	}
	u, err := url.Parse(p.endSession)
	if err != nil {
		s.log.Warn("oidc: end_session_endpoint is not a URL", "err", err)
		return ""
	}
	q := u.Query()
	q.Set("id_token_hint", idToken)
	q.Set("client_id", s.oidc.cfg.ClientID)
	if s.oidc.cfg.PostLogoutRedirectURL != "" {
		q.Set("post_logout_redirect_uri", s.oidc.cfg.PostLogoutRedirectURL)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// signedInByProvider reports whether the session of ctx was opened with
// the provider: a one-time password is then not to be changed first.
func (s *Server) signedInByProvider(ctx context.Context) bool {
	return s.sessions.GetString(ctx, keyMethod) == methodOIDC
}
