package db_test

import (
	"context"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"traguardo/internal/db"
	"traguardo/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// onPort returns databaseURL with its port replaced by port.
func onPort(t *testing.T, databaseURL, port string) string {
	t.Helper()
	u, err := url.Parse(databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = net.JoinHostPort("127.0.0.1", port)
	return u.String()
}

// TestWait_ServerComesUp: while nothing listens Wait keeps trying; once the
// server accepts connections (here a relay to it that starts late) Wait
// returns, having reported the failed attempts.
func TestWait_ServerComesUp(t *testing.T) {
	real := pgtest.URL(t)
	u, _ := url.Parse(real)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	l.Close() // nothing listens there for now
	go func() {
		time.Sleep(700 * time.Millisecond)
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", port))
		if err != nil {
			return
		}
		t.Cleanup(func() { l.Close() })
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", u.Host)
			if err != nil {
				in.Close()
				continue
			}
			go func() { io.Copy(out, in); out.Close() }()
			go func() { io.Copy(in, out); in.Close() }()
		}
	}()
	attempts := 0
	began := time.Now()
	if err := db.Wait(context.Background(), onPort(t, real, port), 20*time.Second, func(error) { attempts++ }); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if took := time.Since(began); took < 600*time.Millisecond || attempts == 0 {
		t.Errorf("Wait returned after %s and %d failed attempts, before the server listened", took, attempts)
	}
}

// TestWait_GivesUp: with nothing listening Wait gives up after its limit;
// a wrong password is no reason to wait and fails at once.
func TestWait_GivesUp(t *testing.T) {
	real := pgtest.URL(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	began := time.Now()
	err = db.Wait(context.Background(), onPort(t, real, port), time.Second, nil)
	if err == nil || !strings.Contains(err.Error(), "did not accept connections within 1s") {
		t.Errorf("Wait on a closed port: %v", err)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("Wait on a closed port took %s with a limit of 1s", took)
	}

	u, _ := url.Parse(real)
	u.User = url.UserPassword(u.User.Username(), "wrong-password")
	began = time.Now()
	err = db.Wait(context.Background(), u.String(), 20*time.Second, func(error) { t.Error("waited after a wrong password") })
	if err == nil || !strings.Contains(err.Error(), "28P01") {
		t.Errorf("Wait with a wrong password: %v", err)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("Wait with a wrong password took %s", took)
	}
}
