// Command traguardo serves the performance cycle application and manages its
// data: serve (the default), migrate, import, export, demo.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"traguardo/internal/db"
	"traguardo/internal/demo"
	"traguardo/internal/interchange"
	"traguardo/internal/pgtest"
	"traguardo/internal/richtext"
	"traguardo/internal/server"
	"traguardo/internal/store"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv); err != nil {
		var fe interchange.Errors
		if errors.As(err, &fe) {
			fmt.Fprintln(os.Stderr, "Il documento contiene errori:")
			for _, e := range fe {
				fmt.Fprintln(os.Stderr, "  "+e.Error())
			}
		} else {
			fmt.Fprintln(os.Stderr, "traguardo:", err)
		}
		os.Exit(1)
	}
}

// config is read once, from the environment.
type config struct {
	databaseURL string // empty: a private cluster under dataDir
	addr        string
	dataDir     string
	pgPort      int
}

func readConfig(getenv func(string) string) (config, error) {
	c := config{databaseURL: getenv("DATABASE_URL"), addr: getenv("ADDR"), dataDir: getenv("DATA_DIR"), pgPort: 54329}
	if c.addr == "" {
		c.addr = ":8080"
	}
	if c.dataDir == "" {
		c.dataDir = ".data"
	}
	if p := getenv("PG_PORT"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return c, fmt.Errorf("PG_PORT %q is not a port number", p)
		}
		c.pgPort = n
	}
	return c, nil
}

const usage = `usage: traguardo [command] [flags]

commands:
  serve [--demo]                 serve the application (default); --demo loads the demo cycle if missing
  migrate                        apply the database migrations
  import FILE.json               import a cycle in the v1 interchange format
  export --year N [--out FILE]   export a cycle in the v1 interchange format
  demo                           load the demo data (2023 Relazione of Consorzio IN.RE.TE.)

environment:
  DATABASE_URL   PostgreSQL URL; when unset a private cluster runs under DATA_DIR/pg
  ADDR           listening address (default :8080)
  DATA_DIR       where the private cluster lives (default .data)
  PG_PORT        port of the private cluster on 127.0.0.1 (default 54329)
`

func run(args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	cfg, err := readConfig(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	withDemo := fs.Bool("demo", false, "load the demo cycle when missing")
	year := fs.Int("year", 0, "cycle year")
	out := fs.String("out", "", "output file (default standard output)")
	switch cmd {
	case "serve", "migrate", "import", "export", "demo":
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}

	st, closeDB, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	policy := richtext.NewPolicy()

	switch cmd {
	case "migrate":
		log.Info("migrations applied")
		return nil
	case "demo":
		return loadDemo(ctx, st, policy, log)
	case "import":
		if fs.NArg() != 1 {
			return errors.New("import needs exactly one FILE.json")
		}
		return importFile(ctx, st, policy, fs.Arg(0), stdout)
	case "export":
		if *year == 0 {
			return errors.New("export needs --year")
		}
		return exportCycle(ctx, st, *year, *out, stdout)
	}
	if *withDemo {
		if err := loadDemo(ctx, st, policy, log); err != nil {
			return err
		}
	}
	return serve(ctx, cfg, st, log)
}

// openStore connects to DATABASE_URL, or starts the private cluster, then
// applies the migrations.
func openStore(ctx context.Context, cfg config, log *slog.Logger) (*store.Store, func(), error) {
	url := cfg.databaseURL
	cleanup := func() {}
	if url == "" {
		dir := filepath.Join(cfg.dataDir, "pg")
		log.Info("starting private PostgreSQL", "dir", dir, "port", cfg.pgPort)
		cluster, err := pgtest.Start(ctx, dir, pgtest.Options{Port: cfg.pgPort})
		if err != nil {
			return nil, nil, err
		}
		cleanup = func() {
			if cluster.Owned {
				log.Info("stopping private PostgreSQL")
			}
			if err := cluster.Stop(); err != nil {
				log.Error("stop PostgreSQL", "err", err)
			}
		}
		if err := cluster.CreateDatabase(ctx, "traguardo", ""); err != nil {
			cleanup()
			return nil, nil, err
		}
		url = cluster.URL("traguardo")
	}
	if err := db.Migrate(url); err != nil {
		cleanup()
		return nil, nil, err
	}
	pool, err := db.Open(ctx, url)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return store.New(pool), func() { pool.Close(); cleanup() }, nil
}

func loadDemo(ctx context.Context, st *store.Store, policy *richtext.Policy, log *slog.Logger) error {
	loaded, err := demo.Load(ctx, st, policy)
	if err != nil {
		return err
	}
	if loaded {
		log.Info("demo cycle 2023 loaded")
	}
	return nil
}

func importFile(ctx context.Context, st *store.Store, policy *richtext.Policy, path string, stdout io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	c, err := interchange.Read(f, policy)
	if err != nil {
		return err
	}
	if _, err := st.ImportCycle(ctx, c); err != nil {
		return err
	}
	n := c.Count()
	fmt.Fprintf(stdout, "Importato il ciclo %d: %d centri, %d obiettivi, %d attività, %d indicatori.\n", c.Year, n.Centres, n.Objectives, n.Activities, n.Indicators)
	return nil
}

func exportCycle(ctx context.Context, st *store.Store, year int, out string, stdout io.Writer) error {
	c, err := st.LoadCycle(ctx, year)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("il ciclo %d non esiste", year)
	}
	if err != nil {
		return err
	}
	if out == "" {
		return interchange.Encode(stdout, c)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := interchange.Encode(f, c); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func serve(ctx context.Context, cfg config, st *store.Store, log *slog.Logger) error {
	srv := &http.Server{
		Addr:              cfg.addr,
		Handler:           server.New(st, log),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("listening", "addr", cfg.addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
