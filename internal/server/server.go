// Package server is the HTTP side of Traguardo: routes, handlers, middleware
// and the one place where errors become responses.
package server

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/a-h/templ"

	"traguardo/internal/richtext"
	"traguardo/internal/store"
	"traguardo/web/pages"
)

// Server holds the dependencies of every handler.
type Server struct {
	store  *store.Store
	log    *slog.Logger
	policy *richtext.Policy
}

// New returns the application's HTTP handler.
func New(st *store.Store, log *slog.Logger) http.Handler {
	s := &Server{store: st, log: log, policy: richtext.NewPolicy()}
	return s.routes()
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
		switch {
		case errors.As(err, &he):
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
	if err := c.Render(r.Context(), &buf); err != nil {
		s.log.Error("render failed", "path", r.URL.Path, "err", err)
		http.Error(w, "Errore del server", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
