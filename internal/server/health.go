package server

import (
	"context"
	"net/http"
	"time"
)

// healthz answers 200 while the database answers, 503 when it does not.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("health check: database unavailable", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database non raggiungibile\n"))
		return
	}
	w.Write([]byte("ok\n"))
}
