package server_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// A real OpenID Connect provider for the tests: zitadel's op package on a
// loopback port, over a minimal in-memory storage of its own (one client
// for Traguardo, another client, users with an e-mail and whether it is
// verified, one RSA key). Its login page asks for a user name only: the
// user it names is signed in, no password.

// opUser is a user of the test provider.
type opUser struct {
	Subject  string
	Email    string
	Verified bool
	// Audience, when set, is the audience (and authorized party) of the ID
	// tokens the token endpoint answers for this user, instead of the
	// client that asked: a token the provider signed for another client,
	// handed to Traguardo (see reissue).
	Audience []string
}

// testOP is the provider and its storage.
type testOP struct {
	srv    *httptest.Server
	issuer string

	mu       sync.Mutex
	users    map[string]*opUser // by user name
	requests map[string]*opAuthRequest
	codes    map[string]string // code -> request id
	clients  map[string]*opClient
	// idTokenLifetime is the ID tokens' lifetime: negative issues them
	// expired already.
	idTokenLifetime time.Duration
	key             *rsa.PrivateKey
	// ended counts the sign-outs at the provider (end_session).
	ended int
}

// The clients of the test provider.
const (
	opClientID     = "traguardo"
	opClientSecret = "segreto-del-client"
	opOtherClient  = "altra-applicazione"
)

// newTestOP starts a provider on a loopback port with users, closed when t
// ends. Traguardo's client has no redirect URI until allowApp.
func newTestOP(t *testing.T, users map[string]*opUser) *testOP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	o := &testOP{users: users, requests: map[string]*opAuthRequest{}, codes: map[string]string{},
		idTokenLifetime: 5 * time.Minute, key: key,
		clients: map[string]*opClient{
			opClientID:    {id: opClientID, secret: opClientSecret},
			opOtherClient: {id: opOtherClient, secret: "altro-segreto"},
		}}
	o.srv = httptest.NewUnstartedServer(nil)
	o.issuer = "http://" + o.srv.Listener.Addr().String()
	provider, err := op.NewProvider(&op.Config{
		CryptoKey:          sha256.Sum256([]byte("chiave del provider di prova")),
		CodeMethodS256:     true,
		SupportedUILocales: []language.Tag{language.Italian},
	}, o, op.StaticIssuer(o.issuer), op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	callback := op.AuthCallbackURL(provider)
	login := op.NewIssuerInterceptor(provider.IssuerFromRequest).Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			opLoginPage.Execute(w, r.URL.Query().Get("id"))
			return
		}
		id, name := r.PostFormValue("id"), r.PostFormValue("username")
		if err := o.approve(id, name); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, callback(r.Context(), id), http.StatusFound)
	}))
	mux.Handle("/login", login)
	mux.Handle("/oauth/token", o.reissue(provider))
	mux.Handle("/", provider)
	o.srv.Config.Handler = mux
	o.srv.Start()
	t.Cleanup(o.srv.Close)
	return o
}

// reissue wraps the token endpoint: for a user with an Audience, the ID
// token of the answer is signed again, with the provider's key, for that
// audience (issuer, subject, nonce, expiry as they were).
func (o *testOP) reissue(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		var answer map[string]any
		if rec.Code == http.StatusOK && json.Unmarshal(body, &answer) == nil {
			if raw, ok := answer["id_token"].(string); ok {
				if token, err := o.forAudience(raw); err == nil && token != "" {
					answer["id_token"] = token
					body, _ = json.Marshal(answer)
				} else if err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
			}
		}
		for k, v := range rec.Header() {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(rec.Code)
		w.Write(body)
	})
}

// forAudience signs raw again for its user's Audience; "" when the user
// has none.
func (o *testOP) forAudience(raw string) (string, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return "", errors.New("not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", err
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		return "", err
	}
	o.mu.Lock()
	var audience []string
	for _, u := range o.users {
		if u.Subject == claims["sub"] {
			audience = u.Audience
		}
	}
	o.mu.Unlock()
	if len(audience) == 0 {
		return "", nil
	}
	claims["aud"], claims["azp"], claims["client_id"] = audience, audience[0], audience[0]
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: o.key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", opKey{}.ID()))
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	sig, err := signer.Sign(b)
	if err != nil {
		return "", err
	}
	return sig.CompactSerialize()
}

// opLoginPage is the provider's login page: a user name, no password.
var opLoginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="it"><head><meta charset="utf-8"><title>Provider di prova</title></head>
<body><main><h1>Provider di prova</h1>
<form method="post" action="/login">
<input type="hidden" name="id" value="{{.}}">
<label for="username">Nome utente</label>
<input id="username" name="username" autocomplete="username">
<button type="submit">Entra</button>
</form></main></body></html>`))

// allowApp registers Traguardo's redirect URI and post-logout URI at base.
func (o *testOP) allowApp(base string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.clients[opClientID].redirects = []string{base + "/accedi/oidc/ritorno"}
	o.clients[opClientID].postLogout = []string{base + "/accedi"}
}

// setIDTokenLifetime sets the lifetime of the ID tokens issued next.
func (o *testOP) setIDTokenLifetime(d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.idTokenLifetime = d
}

// endedSessions is how many sign-outs the provider has seen.
func (o *testOP) endedSessions() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.ended
}

// approve signs user name in for the auth request id.
func (o *testOP) approve(id, name string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	req, ok := o.requests[id]
	if !ok {
		return errors.New("richiesta sconosciuta")
	}
	u, ok := o.users[name]
	if !ok {
		return errors.New("utente sconosciuto")
	}
	req.user, req.done, req.authTime = u, true, time.Now()
	return nil
}

// opAuthRequest is an authorization request.
type opAuthRequest struct {
	id          string
	clientID    string
	redirectURI string
	state       string
	nonce       string
	scopes      []string
	challenge   *oidc.CodeChallenge
	done        bool
	user        *opUser
	authTime    time.Time
}

func (a *opAuthRequest) GetID() string       { return a.id }
func (a *opAuthRequest) GetACR() string      { return "" }
func (a *opAuthRequest) GetAMR() []string    { return []string{"pwd"} }
func (a *opAuthRequest) GetClientID() string { return a.clientID }
func (a *opAuthRequest) GetAudience() []string {
	if a.user != nil && len(a.user.Audience) > 0 {
		return a.user.Audience
	}
	return []string{a.clientID}
}
func (a *opAuthRequest) GetAuthTime() time.Time                { return a.authTime }
func (a *opAuthRequest) GetCodeChallenge() *oidc.CodeChallenge { return a.challenge }
func (a *opAuthRequest) GetNonce() string                      { return a.nonce }
func (a *opAuthRequest) GetRedirectURI() string                { return a.redirectURI }
func (a *opAuthRequest) GetResponseType() oidc.ResponseType    { return oidc.ResponseTypeCode }
func (a *opAuthRequest) GetResponseMode() oidc.ResponseMode    { return oidc.ResponseModeQuery }
func (a *opAuthRequest) GetScopes() []string                   { return a.scopes }
func (a *opAuthRequest) GetState() string                      { return a.state }
func (a *opAuthRequest) GetSubject() string {
	if a.user == nil {
		return ""
	}
	return a.user.Subject
}
func (a *opAuthRequest) Done() bool { return a.done }

// opClient is a confidential web client.
type opClient struct {
	id, secret            string
	redirects, postLogout []string
	lifetime              time.Duration
}

func (c *opClient) GetID() string                       { return c.id }
func (c *opClient) RedirectURIs() []string              { return c.redirects }
func (c *opClient) PostLogoutRedirectURIs() []string    { return c.postLogout }
func (c *opClient) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }
func (c *opClient) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodBasic }
func (c *opClient) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *opClient) GrantTypes() []oidc.GrantType         { return []oidc.GrantType{oidc.GrantTypeCode} }
func (c *opClient) LoginURL(id string) string            { return "/login?id=" + id }
func (c *opClient) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeBearer }
func (c *opClient) IDTokenLifetime() time.Duration       { return c.lifetime }
func (c *opClient) DevMode() bool                        { return false }
func (c *opClient) IsScopeAllowed(string) bool           { return false }
func (c *opClient) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c *opClient) ClockSkew() time.Duration             { return 0 }
func (c *opClient) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *opClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

// opKey is the provider's RSA key, private (signing) or public (key set).
type opKey struct {
	key    *rsa.PrivateKey
	public bool
}

func (k opKey) ID() string                                  { return "chiave-1" }
func (k opKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k opKey) Algorithm() jose.SignatureAlgorithm          { return jose.RS256 }
func (k opKey) Use() string                                 { return "sig" }
func (k opKey) Key() any {
	if k.public {
		return &k.key.PublicKey
	}
	return k.key
}

// The storage: op.Storage, the parts an authorization code flow uses.

func (o *testOP) CreateAuthRequest(_ context.Context, r *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	req := &opAuthRequest{id: rand.Text(), clientID: r.ClientID, redirectURI: r.RedirectURI, state: r.State,
		nonce: r.Nonce, scopes: r.Scopes}
	if r.CodeChallenge != "" {
		req.challenge = &oidc.CodeChallenge{Challenge: r.CodeChallenge, Method: r.CodeChallengeMethod}
	}
	o.requests[req.id] = req
	return req, nil
}

func (o *testOP) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if req, ok := o.requests[id]; ok {
		return req, nil
	}
	return nil, errors.New("request not found")
}

func (o *testOP) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	o.mu.Lock()
	id, ok := o.codes[code]
	o.mu.Unlock()
	if !ok {
		return nil, errors.New("code invalid or used")
	}
	return o.AuthRequestByID(ctx, id)
}

func (o *testOP) SaveAuthCode(_ context.Context, id, code string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.codes[code] = id
	return nil
}

// DeleteAuthRequest is called once the code is redeemed: a code is usable
// once.
func (o *testOP) DeleteAuthRequest(_ context.Context, id string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.requests, id)
	for code, rid := range o.codes {
		if rid == id {
			delete(o.codes, code)
		}
	}
	return nil
}

func (o *testOP) CreateAccessToken(context.Context, op.TokenRequest) (string, time.Time, error) {
	return rand.Text(), time.Now().Add(5 * time.Minute), nil
}

func (o *testOP) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errors.New("no refresh tokens")
}

func (o *testOP) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, errors.New("no refresh tokens")
}

func (o *testOP) TerminateSession(context.Context, string, string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ended++
	return nil
}

func (o *testOP) RevokeToken(context.Context, string, string, string) *oidc.Error { return nil }

func (o *testOP) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

func (o *testOP) SigningKey(context.Context) (op.SigningKey, error) { return opKey{key: o.key}, nil }

func (o *testOP) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (o *testOP) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{opKey{key: o.key, public: true}}, nil
}

func (o *testOP) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	c, ok := o.clients[id]
	if !ok {
		return nil, errors.New("client not found")
	}
	cp := *c
	cp.lifetime = o.idTokenLifetime
	return &cp, nil
}

func (o *testOP) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if c, ok := o.clients[id]; !ok || c.secret != secret {
		return errors.New("invalid client")
	}
	return nil
}

func (o *testOP) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest puts the user's claims in the ID token.
func (o *testOP) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, u := range o.users {
		if u.Subject != req.GetSubject() {
			continue
		}
		for _, s := range scopes {
			switch s {
			case oidc.ScopeOpenID:
				info.Subject = u.Subject
			case oidc.ScopeEmail:
				info.Email, info.EmailVerified = u.Email, oidc.Bool(u.Verified)
			}
		}
		return nil
	}
	return errors.New("user not found")
}

func (o *testOP) SetUserinfoFromToken(context.Context, *oidc.UserInfo, string, string, string) error {
	return errors.New("no userinfo")
}

func (o *testOP) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return errors.New("no introspection")
}

func (o *testOP) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (o *testOP) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("no client keys")
}

func (o *testOP) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("no JWT profile")
}

func (o *testOP) Health(context.Context) error { return nil }
