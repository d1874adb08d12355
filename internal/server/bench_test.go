package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"traguardo/internal/auth"
	"traguardo/internal/demo"
	"traguardo/internal/pgtest"
	"traguardo/internal/richtext"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

// benchHandler serves the demo with a signed-in observer, and returns the
// handler and the session cookie. Requests go straight to the handler: the
// figures are the application's and PostgreSQL's, not the network's.
func benchHandler(b *testing.B) (http.Handler, *http.Cookie) {
	b.Helper()
	ctx := context.Background()
	st := store.New(pgtest.NewDB(b))
	if _, err := demo.Load(ctx, st, richtext.NewPolicy()); err != nil {
		b.Fatal(err)
	}
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, store.CLI, store.NewUser{Email: testEmail, Role: auth.Observer, PasswordHash: hash}); err != nil {
		b.Fatal(err)
	}
	h := server.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Config{SessionCleanup: -1})
	form := url.Values{"email": {testEmail}, "password": {testPassword}}
	req := httptest.NewRequest(http.MethodPost, "/accedi", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == "traguardo_sessione" {
			return h, c
		}
	}
	b.Fatalf("sign-in: status %d, no session cookie", rec.Code)
	return nil, nil
}

func benchGet(b *testing.B, path string) {
	h, cookie := benchHandler(b)
	var bytes int
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", path, rec.Code)
		}
		bytes = rec.Body.Len()
	}
	b.ReportMetric(float64(bytes), "bytes/page")
}

// BenchmarkCyclePage is the page a director opens most: every centre and
// objective of the 2023 demo with its achievement.
func BenchmarkCyclePage(b *testing.B) { benchGet(b, "/cicli/2023") }

// BenchmarkObjectivePage is one objective with its activities, indicators
// and report.
func BenchmarkObjectivePage(b *testing.B) { benchGet(b, "/cicli/2023/obiettivi/1") }

// BenchmarkExportJSON is the whole 2023 cycle in the v1 format.
func BenchmarkExportJSON(b *testing.B) { benchGet(b, "/cicli/2023/export.json") }

// BenchmarkDashboard is the director's dashboard of the 2024 demo, its
// figures kept: what remains is the session, the layout and the bytes.
func BenchmarkDashboard(b *testing.B) { benchGet(b, "/cicli/2024/cruscotto") }
