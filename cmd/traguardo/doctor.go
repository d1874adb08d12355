package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"traguardo/internal/tools"
)

// errDoctor is doctor's failure: its report says what is missing.
var errDoctor = errors.New("required programs are missing (see above)")

// doctor lists the programs the application runs (tools.RuntimeChecks):
// found or missing, their versions, what fails without them and their
// Debian packages; it fails when a required one is missing. pg_dump and
// pg_restore must read the server's major version: pgMajor when given
// (no connection, e.g. while an image is built), else the server's of
// DATABASE_URL (asked within seconds), else the private cluster's binaries'.
func doctor(ctx context.Context, cfg config, pgMajor int, stdout io.Writer) error {
	rt := tools.Runtime{PrivateCluster: cfg.databaseURL == "", ServerMajor: pgMajor}
	switch {
	case pgMajor > 0:
		rt.ServerNote = "given by --pg-major"
	case cfg.databaseURL != "":
		major, err := serverMajor(ctx, cfg.databaseURL)
		if err != nil {
			rt.ServerNote = "DATABASE_URL does not answer: " + firstLine(err.Error())
		} else {
			rt.ServerMajor, rt.ServerNote = major, "of DATABASE_URL"
		}
	default:
		if dir, err := tools.FindPostgresBin(); err == nil {
			rt.ServerMajor = tools.PostgresMajor(tools.Version(ctx, dir+"/initdb", "--version"))
			rt.ServerNote = "the private cluster's"
		}
	}
	checks := tools.RuntimeChecks(ctx, rt)
	if err := tools.Write(stdout, checks); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "\n"+metricsNote(cfg.metricsAddr))
	if len(tools.Packages(checks)) > 0 {
		return errDoctor
	}
	fmt.Fprintln(stdout, "\nEvery required program is installed.")
	return nil
}

// metricsNote says where serve serves the metrics (METRICS_ADDR), if
// anywhere.
func metricsNote(addr string) string {
	if addr == "" {
		return "Metrics: not served (METRICS_ADDR is not set)."
	}
	note := "Metrics: served at http://" + addr + "/metrics (METRICS_ADDR), apart from the application."
	if openToAll(addr) {
		note += "\n  It listens on every interface: whoever reaches it reads the metrics; prefer 127.0.0.1 or a private address."
	}
	return note
}

// openToAll says whether addr listens on every interface (no host, or
// 0.0.0.0, ::).
func openToAll(addr string) bool {
	host, _, _ := net.SplitHostPort(addr)
	ip := net.ParseIP(host)
	return host == "" || ip != nil && ip.IsUnspecified()
}

// serverMajor asks the server of url its major version, within 5 seconds.
func serverMajor(ctx context.Context, url string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	var num string
	if err := conn.QueryRow(ctx, `SHOW server_version_num`).Scan(&num); err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return 0, fmt.Errorf("server_version_num %q", num)
	}
	return n / 10000, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// healthcheck asks the application listening on ADDR for /healthz, as
// the container's health check does (the image has no curl): nil on 200.
func healthcheck(ctx context.Context, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("ADDR %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("/healthz answered %s", resp.Status)
	}
	return nil
}
