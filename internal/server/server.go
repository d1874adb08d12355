// Package server is the HTTP side of Traguardo: routes, handlers, middleware
// and the one place where errors become responses.
package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"

	"traguardo/internal/auth"
	"traguardo/internal/domain"
	"traguardo/internal/report"
	"traguardo/internal/richtext"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/layout"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// Config tunes the server; the zero value is a sensible default.
type Config struct {
	// SecureCookies marks the session cookie Secure: set it when users reach
	// the application over HTTPS (directly or through a proxy).
	SecureCookies bool
	// TrustProxy takes the client address from the last X-Forwarded-For hop
	// (for sign-in throttling): set it only behind a proxy that sets it.
	TrustProxy bool
	// IdleTimeout ends a session unused for this long (default 30 minutes).
	IdleTimeout time.Duration
	// Lifetime ends a session this long after sign-in (default 12 hours).
	Lifetime time.Duration
	// SessionCleanup is how often expired sessions are deleted (default 5
	// minutes; negative disables it, for tests).
	SessionCleanup time.Duration
	// Passwords bounds the argon2id checks and hashes of requests running
	// at once (each holds 64 MiB); a request that cannot start one within
	// its wait gets 429. Default: auth.DefaultPasswordSlots(), 2 seconds.
	Passwords *auth.Passwords
	// Uploads bounds the uploaded files read at once; an upload that cannot
	// start within its wait gets 503. Default: two, 3 seconds.
	Uploads *Uploads
	// Mail sends the notifications by e-mail when its Addr is set.
	Mail MailConfig
	// Documents sizes the queue that makes the Relazione's PDF, DOCX and
	// ODT (slots, waits, cache, the tools' limits). Default: see
	// report.NewDocuments.
	Documents report.DocumentsConfig
	// Clock tells today for every request (which period the figures are
	// at, which windows are open); the store tells it by the same clock.
	// Default: the store's, the machine's clock unless set.
	Clock domain.Clock
	// OIDC signs users in with the body's OpenID Connect provider when set
	// (nil: local passwords only).
	OIDC *OIDCConfig
	// PasswordsOff refuses sign-in by local password: only the provider of
	// OIDC signs users in (New panics when it is set without OIDC).
	PasswordsOff bool
	// OpenWindows is how often the managers are told of the entry windows
	// that opened by the calendar (store.NotifyOpenWindows), the first time
	// as the server starts. Zero (the tests'): never; the command sets an
	// hour. A window set to include today is told of at once anyway.
	OpenWindows time.Duration
	// Metrics, when set, counts the requests, the progress saves, the
	// documents' queue and the cycle cache (see Metrics); its Handler is
	// to be served apart (the command: on METRICS_ADDR), never by the
	// application's router. Nil: nothing is counted.
	Metrics *Metrics
}

// Server holds the dependencies of every handler.
type Server struct {
	store     *store.Store
	log       *slog.Logger
	policy    *richtext.Policy
	sessions  *scs.SessionManager
	passwords *auth.Passwords
	cfg       Config
	dummyHash string
	// docs makes the Relazione's PDF, DOCX and ODT: a bounded queue with a
	// lane for the director and the Nucleo (report.Documents).
	docs *report.Documents
	// keys sign the device cookies and the one-time messages.
	keys *keyring
	// router is the application's router, set by routes: safeNext asks it
	// whether a path is a page of the site.
	router chi.Routes
	// oidc is the body's OpenID Connect provider; nil when not configured.
	oidc *oidcClient
}

// today is the calendar day in Italy by the configuration's clock.
func (s *Server) today() time.Time { return s.cfg.Clock.Today() }

// New returns the application's HTTP handler.
func New(st *store.Store, log *slog.Logger, cfg Config) http.Handler {
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 30 * time.Minute
	}
	if cfg.Lifetime <= 0 {
		cfg.Lifetime = 12 * time.Hour
	}
	if cfg.SessionCleanup == 0 {
		cfg.SessionCleanup = 5 * time.Minute
	}
	if cfg.Passwords == nil {
		cfg.Passwords = auth.NewPasswords(auth.DefaultPasswordSlots(), 2*time.Second)
	}
	if cfg.Uploads == nil {
		cfg.Uploads = NewUploads(defaultUploadSlots, defaultUploadWait)
	}
	if cfg.Clock == nil {
		cfg.Clock = st.Clock()
	} else {
		st.SetClock(cfg.Clock)
	}
	sm := scs.New()
	sm.Codec = sessionCodec{}
	// The session is read with its account and the request's cycle's
	// counters, in one statement (loadSession).
	sm.Store = st.NewSessionStore(max(cfg.SessionCleanup, 0), func(data []byte) int64 {
		_, values, err := sm.Codec.Decode(data)
		if err != nil {
			return 0
		}
		id, _ := values[keyUserID].(int64)
		return id
	})
	// The idle timeout is authenticate's (keySeen): scs's would write the
	// session again at every request to move its expiry. The store's
	// expiry is the lifetime.
	sm.Lifetime = cfg.Lifetime
	sm.Cookie.Name = "traguardo_sessione"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.SecureCookies
	sm.Cookie.Persist = false
	// The session store is the database: when it cannot be reached (a
	// restart of PostgreSQL) the request fails with 503 and the log says
	// why, in the application's log rather than the standard logger. A
	// change committed before the session's write at the end of the request
	// (scs writes it as the answer starts, if only to push its idle expiry)
	// is answered as done: telling the user to retry a change that went
	// through would be false.
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		if acknowledged(r) {
			log.Warn("session store: session not written after a committed change, answered as done",
				"method", r.Method, "path", r.URL.Path, "err", err)
			return
		}
		log.Error("session store", "method", r.Method, "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "5")
		http.Error(w, "Servizio momentaneamente non disponibile: riprovare tra qualche secondo.", http.StatusServiceUnavailable)
	}
	if m := cfg.Metrics; m != nil {
		if built := cfg.Documents.Built; built != nil {
			cfg.Documents.Built = func(format string, took time.Duration, err error) {
				built(format, took, err)
				m.built(format, took, err)
			}
		} else {
			cfg.Documents.Built = m.built
		}
	}
	s := &Server{store: st, log: log, policy: richtext.NewPolicy(), sessions: sm, passwords: cfg.Passwords, cfg: cfg, dummyHash: auth.NewDummyHash(),
		docs: report.NewDocuments(cfg.Documents), keys: &keyring{store: st}}
	if cfg.Metrics != nil {
		cfg.Metrics.watch(st, s.docs)
	}
	// Each approval and variation of a plan freezes its Piano's next
	// version (piano.go).
	st.OnAdopted(s.pianoAdopted)
	if cfg.PasswordsOff && cfg.OIDC == nil {
		panic("server: PasswordsOff without OIDC: nobody could sign in")
	}
	if cfg.OIDC != nil {
		s.oidc = newOIDCClient(*cfg.OIDC, log)
		// Discovery now, so that the log says at start whether the
		// provider answers; a failure is tried again at the next sign-in.
		ctx, cancel := context.WithTimeout(context.Background(), oidcStartTimeout)
		s.oidc.provider(ctx)
		cancel()
	}
	if cfg.OpenWindows > 0 {
		go s.tellOpenWindows(cfg.OpenWindows)
	}
	return s.routes()
}

// tellOpenWindows tells the managers of the windows that opened, now and
// then every interval, e-mailing the notifications; a failure is logged and
// tried again at the next round.
func (s *Server) tellOpenWindows(interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		ids, err := s.store.NotifyOpenWindows(ctx, paths.Submission)
		cancel()
		if err != nil {
			s.log.Warn("open windows not notified", "err", err)
		}
		s.mailNotifications(ids)
		<-t.C
	}
}

// rights are what the signed-in user of r may do, for the pages' controls.
func rights(r *http.Request) pages.Rights {
	u := auth.UserFrom(r.Context())
	return pages.Rights{EditPlan: auth.Allowed(u, auth.EditPlan, 0), ApprovePlan: auth.Allowed(u, auth.ApprovePlan, 0),
		Neutralise: auth.Allowed(u, auth.Neutralise, 0), Comment: auth.Allowed(u, auth.Comment, 0)}
}

// handlerFunc is a handler that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// httpError is an error with a status and a message for people.
type httpError struct {
	status  int
	title   string
	message string
}

func (e *httpError) Error() string { return e.message }

func forbidden() error {
	return &httpError{status: http.StatusForbidden, title: "Accesso negato", message: "Il suo ruolo non consente questa operazione."}
}

func notFound(message string) error {
	return &httpError{status: http.StatusNotFound, title: "Pagina non trovata", message: message}
}

// handle adapts a handlerFunc: the one place errors become responses. Only
// internal errors are logged as errors, and their text never reaches the
// client.
func (s *Server) handle(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		var he *httpError
		var conflict *store.Conflict
		var stale *store.StaleError
		switch {
		case errors.As(err, &he):
		case errors.As(err, &stale):
			// The forms show what changed (see servePlanForm); anywhere else
			// the page has to be read again.
			he = &httpError{status: http.StatusConflict, title: "Elemento modificato nel frattempo",
				message: "Nel frattempo un altro utente ha modificato questo elemento: nulla è stato salvato. Tornare alla pagina, ricaricarla e ripetere l'operazione."}
		case errors.As(err, &conflict):
			he = &httpError{status: http.StatusConflict, title: "Operazione non possibile", message: sentence(conflict.Message)}
		case errors.Is(err, auth.ErrBusy):
			w.Header().Set("Retry-After", "2")
			he = &httpError{status: http.StatusTooManyRequests, title: "Troppe richieste", message: "Troppe operazioni sulle password in corso: riprovare tra qualche secondo."}
		case errors.Is(err, report.ErrBusy):
			retry := time.Minute
			if busy := (*report.BusyError)(nil); errors.As(err, &busy) {
				retry = busy.RetryAfter
			}
			w.Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds())))
			he = &httpError{status: http.StatusServiceUnavailable, title: "Documento in preparazione",
				message: fmt.Sprintf("Il server sta preparando altri documenti e questo non è pronto entro l'attesa prevista. Se la preparazione è iniziata prosegue: riprovare tra %s.", waitText(retry))}
		case errors.Is(err, report.ErrTooLarge):
			he = &httpError{status: http.StatusServiceUnavailable, title: "Documento troppo grande",
				message: "La relazione supera i limiti di memoria o di tempo fissati su questo server per questo formato: scaricare il PDF, oppure aprire la relazione in HTML e stamparla dal browser."}
		case errors.Is(err, report.ErrNoChromium):
			// Wherever a handler needs a program that is not installed, the
			// page says which to install (traguardo doctor lists them).
			he = &httpError{status: http.StatusServiceUnavailable, title: "Programma non installato",
				message: "Questa operazione richiede Chromium, che non è installato su questo server: " + report.InstallChromium + "."}
		case errors.Is(err, report.ErrNoPandoc):
			he = &httpError{status: http.StatusServiceUnavailable, title: "Programma non installato",
				message: "Questa operazione richiede pandoc, che non è installato su questo server: " + report.InstallPandoc + "."}
		case errors.Is(err, store.ErrNotFound):
			he = &httpError{status: http.StatusNotFound, title: "Pagina non trovata", message: "La risorsa richiesta non esiste."}
		case errors.Is(err, context.Canceled):
			return
		default:
			s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			he = &httpError{status: http.StatusInternalServerError, title: "Errore del server", message: "Si è verificato un errore imprevisto. Riprovare più tardi."}
		}
		s.render(w, r, he.status, pages.Error(pages.ErrorView{Title: he.title, Message: he.message}))
	}
}

// render writes a component into a buffer first, so a failure can still
// change the status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(s.pageContext(w, r), &buf); err != nil {
		s.log.Error("render failed", "path", r.URL.Path, "err", err)
		http.Error(w, "Errore del server", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// pageContext is the context a page of r renders in: the flash message
// (popped), the forms' state and the menu of the signed-in user.
func (s *Server) pageContext(w http.ResponseWriter, r *http.Request) context.Context {
	ctx := r.Context()
	if flash := s.popFlash(w, r); flash != "" {
		ctx = layout.WithFlash(ctx, flash)
	}
	u := auth.UserFrom(ctx)
	// The forms' owner token, and whether they show values not saved: a
	// form shown again by a POST was not saved.
	st := components.FormStateFrom(ctx)
	st.Unsaved = st.Unsaved || r.Method == http.MethodPost
	if u != nil {
		st.Owner = s.ownerToken(r, u.ID)
	}
	ctx = components.WithFormState(ctx, st)
	m := layout.Menu{Users: auth.Allowed(u, auth.ManageUsers, 0), Audit: auth.Allowed(u, auth.ReadAudit, 0),
		MyAreas: u != nil && u.Active && auth.RoleHolds(u.Role, auth.WriteProgress), Legal: auth.Allowed(u, auth.EditLegal, 0),
		Unread: unreadOf(u)}
	if u != nil {
		m.Guide = guideOf(u)
	}
	return layout.WithMenu(ctx, m)
}

// unreadOf is the user's unread notifications, 0 for none signed in.
func unreadOf(u *auth.User) int {
	if u == nil {
		return 0
	}
	return u.Unread
}

// waitText is a wait in words: "un minuto", "2 minuti", "30 secondi".
func waitText(d time.Duration) string {
	switch m := int(d.Round(time.Minute) / time.Minute); {
	case d < time.Minute:
		return fmt.Sprintf("%d secondi", max(int(d.Seconds()), 1))
	case m == 1:
		return "un minuto"
	default:
		return fmt.Sprintf("%d minuti", m)
	}
}
