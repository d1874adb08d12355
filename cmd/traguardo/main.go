// Command traguardo serves the performance cycle application and manages its
// data: serve (the default), setup, doctor, migrate, import, export, demo,
// backup, restore, report, user.
package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"traguardo/internal/auth"
	"traguardo/internal/db"
	"traguardo/internal/demo"
	"traguardo/internal/fielderr"
	"traguardo/internal/interchange"
	"traguardo/internal/pgcluster"
	"traguardo/internal/report"
	"traguardo/internal/richtext"
	"traguardo/internal/server"
	"traguardo/internal/store"
	"traguardo/web/paths"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv); err != nil {
		var fe fielderr.List
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
	databaseURL  string // the runtime role's; empty: a private cluster under dataDir
	migrationURL string // the schema owner's, for migrations; may be empty
	addr         string
	metricsAddr  string // where /metrics is served; empty: nowhere
	dataDir      string
	pgPort       int
	demoPassword string
	server       server.Config
}

func readConfig(getenv func(string) string) (config, error) {
	c := config{
		databaseURL:  getenv("DATABASE_URL"),
		migrationURL: getenv("MIGRATION_DATABASE_URL"),
		addr:         cmp.Or(getenv("ADDR"), ":8080"),
		metricsAddr:  getenv("METRICS_ADDR"),
		dataDir:      cmp.Or(getenv("DATA_DIR"), ".data"),
		pgPort:       54329,
		demoPassword: cmp.Or(getenv("DEMO_PASSWORD"), demo.DefaultPassword),
	}
	if p := getenv("PG_PORT"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return c, fmt.Errorf("PG_PORT %q is not a port number", p)
		}
		c.pgPort = n
	}
	if c.metricsAddr != "" {
		if _, port, err := net.SplitHostPort(c.metricsAddr); err != nil || port == "" {
			return c, fmt.Errorf("METRICS_ADDR %q is not an address such as 127.0.0.1:9090", c.metricsAddr)
		}
		if c.metricsAddr == c.addr {
			return c, fmt.Errorf("METRICS_ADDR %q is ADDR: the metrics are served on a listener of their own", c.metricsAddr)
		}
	}
	var err error
	for name, dst := range map[string]*bool{"COOKIE_SECURE": &c.server.SecureCookies, "TRUST_PROXY": &c.server.TrustProxy} {
		if v := getenv(name); v != "" {
			if *dst, err = strconv.ParseBool(v); err != nil {
				return c, fmt.Errorf("%s %q is not true or false", name, v)
			}
		}
	}
	for name, dst := range map[string]*time.Duration{"SESSION_IDLE_TIMEOUT": &c.server.IdleTimeout, "SESSION_LIFETIME": &c.server.Lifetime} {
		if v := getenv(name); v != "" {
			if *dst, err = time.ParseDuration(v); err != nil || *dst <= 0 {
				return c, fmt.Errorf("%s %q is not a duration such as 30m", name, v)
			}
		}
	}
	c.server.Mail = server.MailConfig{Addr: getenv("SMTP_ADDR"), From: getenv("SMTP_FROM"),
		User: getenv("SMTP_USER"), Password: getenv("SMTP_PASSWORD"), BaseURL: getenv("BASE_URL")}
	if c.server.Mail.Addr != "" && c.server.Mail.From == "" {
		return c, fmt.Errorf("SMTP_ADDR is set: SMTP_FROM must be set too")
	}
	if err := auth.CheckPasswordStrength(c.demoPassword); err != nil {
		return c, fmt.Errorf("DEMO_PASSWORD: at least %d characters", auth.MinPasswordLength)
	}
	if c.server.OIDC, err = readOIDC(getenv); err != nil {
		return c, err
	}
	switch v := getenv("AUTH_PASSWORDS"); v {
	case "", "on":
	case "off":
		if c.server.OIDC == nil {
			return c, errors.New("AUTH_PASSWORDS=off needs OIDC_ISSUER: nobody could sign in")
		}
		c.server.PasswordsOff = true
	default:
		return c, fmt.Errorf("AUTH_PASSWORDS %q is not on or off", v)
	}
	return c, nil
}

// readOIDC reads the OpenID Connect provider of the environment; nil when
// OIDC_ISSUER is not set.
func readOIDC(getenv func(string) string) (*server.OIDCConfig, error) {
	issuer := getenv("OIDC_ISSUER")
	if issuer == "" {
		for _, name := range []string{"OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_REDIRECT_URL"} {
			if getenv(name) != "" {
				return nil, fmt.Errorf("%s is set but OIDC_ISSUER is not", name)
			}
		}
		return nil, nil
	}
	o := &server.OIDCConfig{
		Issuer:                issuer,
		ClientID:              getenv("OIDC_CLIENT_ID"),
		ClientSecret:          getenv("OIDC_CLIENT_SECRET"),
		RedirectURL:           getenv("OIDC_REDIRECT_URL"),
		PostLogoutRedirectURL: getenv("OIDC_POST_LOGOUT_REDIRECT_URL"),
		ProviderName:          cmp.Or(getenv("OIDC_PROVIDER_NAME"), "il fornitore di identità dell'ente"),
		Scopes:                strings.Fields(cmp.Or(getenv("OIDC_SCOPES"), "openid email profile")),
		EmailVerifiedClaim:    cmp.Or(getenv("OIDC_EMAIL_VERIFIED_CLAIM"), "email_verified"),
	}
	if u, err := url.Parse(issuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("OIDC_ISSUER %q is not an http(s) URL", issuer)
	}
	if o.ClientID == "" {
		return nil, errors.New("OIDC_ISSUER is set: OIDC_CLIENT_ID must be set too")
	}
	if !slices.Contains(o.Scopes, "openid") {
		return nil, fmt.Errorf("OIDC_SCOPES %q must include openid", strings.Join(o.Scopes, " "))
	}
	base := strings.TrimSuffix(getenv("BASE_URL"), "/")
	if o.RedirectURL == "" {
		if base == "" {
			return nil, errors.New("OIDC_ISSUER is set: set OIDC_REDIRECT_URL, or BASE_URL to derive it from")
		}
		o.RedirectURL = base + paths.SignInReturn
	}
	if u, err := url.Parse(o.RedirectURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != paths.SignInReturn {
		return nil, fmt.Errorf("OIDC_REDIRECT_URL %q must be the absolute URL of %s, as browsers reach the application", o.RedirectURL, paths.SignInReturn)
	}
	if o.PostLogoutRedirectURL == "" && base != "" {
		o.PostLogoutRedirectURL = base + paths.SignIn
	}
	return o, nil
}

const usage = `usage: traguardo [command] [flags]

commands:
  serve [--demo]                 serve the application (default); --demo loads the demo cycle if missing
  setup --organisation NAME --admin-email EMAIL [--name N]
                                 first run for a real body: migrate an empty database, name the
                                 organisation whose plans it imports, create the first administrator
                                 and print a one-time password; refused when the database holds data
  doctor [--pg-major N]          list the programs the application runs (Chromium, pandoc, pg_dump,
                                 pg_restore, fonts, PostgreSQL server): found or missing, version,
                                 what fails without them, their Debian package; exit 1 when a required
                                 one is missing. --pg-major: the server's major version, not asked
  healthcheck                    exit 0 when the application on ADDR answers /healthz (containers)
  migrate                        apply the database migrations
  import FILE.json               import a cycle in the v1 interchange format
  export --year N [--out FILE]   export a cycle in the v1 interchange format
  backup --out FILE              back the whole database up (pg_dump custom format) as the schema's owner
  restore --in FILE              restore a backup into an empty database (pg_restore) as the schema's owner
  report --year N [--document D] [--format F] [--out FILE]
                                 --document relazione (default): the Relazione sulla Performance:
                                 html (default), pdf, docx, odt, xlsx, csv (every indicator) or
                                 json (the v1 export); --document piano: the Piano della
                                 Performance, html, pdf, docx or odt
  demo                           load the demo data (2023 Relazione of Consorzio IN.RE.TE.) and accounts
  demo --scale N [--centres C] [--users U]
                                 load instead a plan N times the demo's (18N objectives over 6N
                                 centres, or over C), four quarters of values, U accounts (200)
  user add --email E --role R [--name N] [--centre C]...
                                 create an account and print its one-time password
                                 (roles: admin, direttore, responsabile, nucleo, osservatore)

environment:
  DATABASE_URL   PostgreSQL URL of the runtime role the application serves with;
                 when unset a private cluster runs under DATA_DIR/pg
  MIGRATION_DATABASE_URL
                 PostgreSQL URL of the schema's owner: migrations run with it (at
                 serve and by migrate); when unset, serve needs a current schema
  ADDR           listening address (default :8080)
  METRICS_ADDR   where Prometheus reads /metrics, on a listener of its own (e.g.
                 127.0.0.1:9090); unset (the default): no metrics are served
  DATA_DIR       where the private cluster lives (default .data)
  PG_PORT        port of the private cluster on 127.0.0.1 (default 54329)
  DEMO_PASSWORD  password of the demo accounts (default traguardo-demo)
  COOKIE_SECURE  true when users reach the application over HTTPS
  TRUST_PROXY    true behind a reverse proxy that sets X-Forwarded-For
  SESSION_IDLE_TIMEOUT, SESSION_LIFETIME   e.g. 30m, 12h
  SMTP_ADDR, SMTP_FROM, SMTP_USER, SMTP_PASSWORD   e-mail the notifications (host:port)
  BASE_URL       the application's address, for the links in the e-mails (and the
                 OpenID Connect redirect URIs)
  OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET
                 sign in with the body's OpenID Connect provider (issuer URL, client)
  OIDC_REDIRECT_URL   default BASE_URL/accedi/oidc/ritorno
  OIDC_POST_LOGOUT_REDIRECT_URL   default BASE_URL/accedi
  OIDC_PROVIDER_NAME  the button's label: "Accedi con <name>"
  OIDC_SCOPES    default "openid email profile"
  OIDC_EMAIL_VERIFIED_CLAIM   the boolean claim vouching for the e-mail
                 (default email_verified; Microsoft Entra ID: xms_edov)
  AUTH_PASSWORDS on (default) or off: off refuses local passwords (needs OIDC_ISSUER)
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
	withDemo := fs.Bool("demo", false, "load the demo cycles and accounts into an empty database")
	year := fs.Int("year", 0, "cycle year")
	out := fs.String("out", "", "output file (default standard output)")
	in := fs.String("in", "", "backup file to restore")
	format := fs.String("format", "html", "report format: html, pdf, docx, odt, xlsx, csv or json")
	document := fs.String("document", "relazione", "report: the document, relazione, piano or monitoraggio (the mid-year monitoring report: html or pdf)")
	period := fs.String("period", "", "report --document monitoraggio: the period's end, YYYY-MM-DD (default 30/06)")
	email := fs.String("email", "", "account email")
	role := fs.String("role", "", "account role")
	name := fs.String("name", "", "account holder's name")
	scale := fs.Float64("scale", 0, "demo: a plan this many times the demo's size")
	scaleCentres := fs.Int("centres", 0, "demo --scale: the number of centres (default 6 times the scale)")
	scaleUsers := fs.Int("users", 200, "demo --scale: the number of accounts")
	organisation := fs.String("organisation", "", "setup: the organisation's name, as its plans name it")
	adminEmail := fs.String("admin-email", "", "setup: the first administrator's email")
	pgMajor := fs.Int("pg-major", 0, "doctor: the PostgreSQL server's major version (default: asked of the server)")
	var centres []string
	fs.Func("centre", "a centre of a responsabile (repeat for several)", func(v string) error {
		centres = append(centres, v)
		return nil
	})
	switch cmd {
	case "serve", "migrate", "import", "export", "demo", "backup", "restore", "report", "setup", "doctor", "healthcheck":
	case "user":
		if len(args) == 0 || args[0] != "add" {
			return errors.New("usage: traguardo user add --email E --role R [--name N] [--centre C]")
		}
		args = args[1:]
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
	switch cmd {
	case "doctor":
		return doctor(ctx, cfg, *pgMajor, stdout)
	case "healthcheck":
		return healthcheck(ctx, cfg.addr)
	case "setup":
		// Checked before the database is touched.
		if _, _, err := setupInput(*organisation, *adminEmail, *name); err != nil {
			return err
		}
	}
	switch {
	case cmd == "migrate" && cfg.migrationURL != "":
		if err := db.Migrate(cfg.migrationURL); err != nil {
			return err
		}
		log.Info("migrations applied")
		return nil
	case cmd == "migrate" && cfg.databaseURL != "":
		return errors.New("migrate needs MIGRATION_DATABASE_URL, the URL of the schema's owner")
	case (cmd == "backup" || cmd == "restore") && cfg.databaseURL != "" && cfg.migrationURL == "":
		return fmt.Errorf("%s needs MIGRATION_DATABASE_URL, the URL of the schema's owner", cmd)
	case cfg.migrationURL != "" && cfg.databaseURL == "":
		return errors.New("MIGRATION_DATABASE_URL is set but DATABASE_URL is not: " +
			"set DATABASE_URL to the runtime role's URL, the one the application serves with")
	}

	if cmd == "backup" || cmd == "restore" {
		return backupRestore(ctx, cfg, log, cmd, *out, *in, stdout)
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
		if *scale > 0 {
			return loadScaledDemo(ctx, st, policy, *scale, *scaleCentres, *scaleUsers, cfg.demoPassword, stdout)
		}
		return loadDemo(ctx, st, policy, cfg.demoPassword, stdout, log)
	case "user":
		return addUser(ctx, st, *email, *name, auth.Role(*role), centres, stdout)
	case "setup":
		return setup(ctx, st, *organisation, *adminEmail, *name, stdout)
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
	case "report":
		if *year == 0 {
			return errors.New("report needs --year")
		}
		switch *document {
		case "relazione":
			return writeReport(ctx, st, *year, *format, *out, stdout)
		case "piano":
			return writePiano(ctx, st, *year, *format, *out, stdout)
		case "monitoraggio":
			return writeMonitoring(ctx, st, policy, *year, *period, *format, *out, stdout)
		}
		return fmt.Errorf("unknown document %q: relazione, piano or monitoraggio", *document)
	}
	if *withDemo {
		if err := loadDemo(ctx, st, policy, cfg.demoPassword, stdout, log); err != nil {
			return err
		}
	}
	return serve(ctx, cfg, st, log)
}

// openStore connects to DATABASE_URL, or starts the private cluster. The
// migrations run as the schema's owner (MIGRATION_DATABASE_URL, or the
// private cluster's owner); the store connects as the runtime role and
// refuses a schema that is not current.
func openStore(ctx context.Context, cfg config, log *slog.Logger) (*store.Store, func(), error) {
	url, ownerURL, cleanup, err := databaseURLs(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	// Started with its database (or while it restarts), wait for it.
	if err := db.Wait(ctx, cmp.Or(ownerURL, url), 30*time.Second, func(err error) {
		log.Warn("waiting for the database", "err", err)
	}); err != nil {
		cleanup()
		return nil, nil, err
	}
	if ownerURL != "" {
		if err := db.Migrate(ownerURL); err != nil {
			cleanup()
			return nil, nil, err
		}
	}
	return openPool(ctx, url, cleanup, log)
}

// databaseURLs are the runtime and owner URLs of DATABASE_URL and
// MIGRATION_DATABASE_URL, or of the private cluster, which it starts (and
// cleanup stops) with its database created if missing (empty).
func databaseURLs(ctx context.Context, cfg config, log *slog.Logger) (url, ownerURL string, cleanup func(), err error) {
	url, ownerURL = cfg.databaseURL, cfg.migrationURL
	cleanup = func() {}
	if url == "" {
		dir := filepath.Join(cfg.dataDir, "pg")
		log.Info("starting private PostgreSQL", "dir", dir, "port", cfg.pgPort)
		cluster, err := pgcluster.Start(ctx, dir, pgcluster.Options{Port: cfg.pgPort})
		if err != nil {
			return "", "", nil, err
		}
		if abs, _ := filepath.Abs(dir); cluster.Dir != abs {
			log.Info("the postgres user cannot reach the data directory; the cluster lives elsewhere", "dir", cluster.Dir)
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
			return "", "", nil, err
		}
		url, ownerURL = cluster.URL("traguardo"), cluster.OwnerURL("traguardo")
	}
	return url, ownerURL, cleanup, nil
}

// openPool opens the runtime role's pool on a current schema.
func openPool(ctx context.Context, url string, cleanup func(), log *slog.Logger) (*store.Store, func(), error) {
	pool, err := db.Open(ctx, url)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	fail := func(err error) (*store.Store, func(), error) {
		pool.Close()
		cleanup()
		return nil, nil, err
	}
	if err := db.CheckSchema(ctx, pool); err != nil {
		if errors.Is(err, db.ErrSchemaNotCurrent) {
			err = fmt.Errorf("%w; set MIGRATION_DATABASE_URL to the URL of the schema's owner so that migrations run (see docs/operations.md, Running in production)", err)
		}
		return fail(err)
	}
	problems, err := db.CheckRuntimeRole(ctx, pool)
	if err != nil {
		return fail(err)
	}
	if len(problems) > 0 {
		log.Warn("DATABASE_URL should name the runtime role (a member of traguardo_app, see docs/operations.md): "+
			"with this one the audit log can be rewritten", "problems", strings.Join(problems, "; "))
	}
	return store.New(pool), func() { pool.Close(); cleanup() }, nil
}

// loadScaledDemo loads a plan scale times the demo's into an empty
// database, with its accounts, and prints its sizes.
func loadScaledDemo(ctx context.Context, st *store.Store, policy *richtext.Policy, scale float64, centres, users int, password string, stdout io.Writer) error {
	sc := demo.Times(scale)
	if centres > 0 {
		sc.Centres = centres
	}
	sc.Users = users
	sizes, accounts, err := demo.ScaleInstall(ctx, st, policy, sc, password)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Loaded cycle %d, %.4g times the demo: %s.\n", demo.ScaledYear, scale, sizes)
	fmt.Fprintf(stdout, "Accounts (password %q): %s, %s, %s, %s, osservatore.N@ and responsabile.N@traguardo.test (%d in all).\n",
		password, accounts[0].Email, accounts[1].Email, accounts[2].Email, accounts[3].Email, len(accounts))
	return nil
}

func loadDemo(ctx context.Context, st *store.Store, policy *richtext.Policy, password string, stdout io.Writer, log *slog.Logger) error {
	accounts, installed, err := demo.Install(ctx, st, policy, password)
	if err != nil {
		return err
	}
	if !installed {
		log.Info("demo not loaded: the database already holds data; its demo accounts, if any, keep the password they were given")
		return nil
	}
	log.Info("demo cycles and accounts loaded")
	fmt.Fprintf(stdout, "\nDemo accounts (password %q), sign in at /accedi:\n", password)
	for _, a := range accounts {
		fmt.Fprintf(stdout, "  %-48s %s\n", a.Email, strings.TrimSpace(a.Role.Label()+" "+a.Centre))
	}
	fmt.Fprintln(stdout)
	return nil
}

func addUser(ctx context.Context, st *store.Store, email, name string, role auth.Role, centreNames []string, stdout io.Writer) error {
	// The rules of the administration's form; the name may be left out here.
	email, name = strings.TrimSpace(email), strings.TrimSpace(name)
	if msg := auth.CheckEmail(email); msg != "" {
		return fmt.Errorf("--email: %s", msg)
	}
	if msg := auth.CheckName(name); name != "" && msg != "" {
		return fmt.Errorf("--name: %s", msg)
	}
	if msg := auth.CheckRole(role); msg != "" {
		return fmt.Errorf("--role: %s (%v)", msg, auth.Roles())
	}
	known, err := st.ListCentres(ctx)
	if err != nil {
		return err
	}
	u := store.NewUser{Email: email, Name: name, Role: role, MustChangePassword: true}
	for _, n := range centreNames {
		i := slices.IndexFunc(known, func(c store.CentreRef) bool { return strings.EqualFold(c.Name, n) })
		if i < 0 {
			return fmt.Errorf("no centre named %q", n)
		}
		if !slices.Contains(u.Centres, known[i].ID) {
			u.Centres = append(u.Centres, known[i].ID)
		}
	}
	if msg := auth.CheckCentres(role, u.Centres); msg != "" {
		return fmt.Errorf("--centre: %s", msg)
	}
	password := auth.NewPassword()
	if u.PasswordHash, err = auth.HashPassword(password); err != nil {
		return err
	}
	if _, err := st.CreateUser(ctx, store.CLI, u); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created %s (%s). One-time password, to be changed at first sign-in:\n%s\n", email, role.Label(), password)
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
	if _, err := st.ImportCycle(ctx, store.CLI, c); err != nil {
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
		return interchange.Encode(stdout, c, st.Clock().Today())
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := interchange.Encode(f, c, st.Clock().Today()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeReport writes the Relazione sulla Performance of year in format to
// out (standard output when empty), from the model the server renders.
func writeReport(ctx context.Context, st *store.Store, year int, format, out string, stdout io.Writer) error {
	if format == "json" {
		return exportCycle(ctx, st, year, out, stdout)
	}
	m, err := report.Build(ctx, st, year)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("il ciclo %d non esiste", year)
	}
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	switch format {
	case "html":
		err = report.HTML(ctx, &buf, m, report.HTMLOptions{})
	case "pdf":
		err = appendTo(&buf)(report.PDF(ctx, m))
	case report.DOCX, report.ODT:
		err = appendTo(&buf)(report.Office(ctx, m, format))
	case "xlsx":
		err = appendTo(&buf)(report.XLSX(m))
	case "csv":
		err = report.CSV(&buf, m)
	default:
		return fmt.Errorf("unknown report format %q: html, pdf, docx, odt, xlsx, csv or json", format)
	}
	return writeDocument(format, err, buf.Bytes(), out, stdout)
}

// appendTo returns a function that appends a document made to buf and
// passes on its error.
func appendTo(buf *bytes.Buffer) func([]byte, error) error {
	return func(b []byte, err error) error {
		buf.Write(b)
		return err
	}
}

// writeDocument writes the document b, made in format with err, to out
// (standard output when empty); a tool not installed is said with what to
// install.
func writeDocument(format string, err error, b []byte, out string, stdout io.Writer) error {
	switch {
	case errors.Is(err, report.ErrNoChromium):
		return errors.New("PDF: " + report.InstallChromium)
	case errors.Is(err, report.ErrNoPandoc):
		return errors.New(strings.ToUpper(format) + ": " + report.InstallPandoc)
	case err != nil:
		return err
	}
	if out == "" {
		_, err = stdout.Write(b)
		return err
	}
	return os.WriteFile(out, b, 0o644)
}

// writePiano writes the Piano della Performance of year in format (html,
// pdf, docx or odt) to out (standard output when empty), from the model the server
// renders.
func writePiano(ctx context.Context, st *store.Store, year int, format, out string, stdout io.Writer) error {
	p, err := report.BuildPiano(ctx, st, year)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("il ciclo %d non esiste", year)
	}
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	switch format {
	case "html":
		err = report.PianoHTML(ctx, &buf, p, report.PianoOptions{})
	case "pdf":
		err = appendTo(&buf)(report.PianoPDF(ctx, p))
	case report.DOCX, report.ODT:
		err = appendTo(&buf)(report.PianoOffice(ctx, p, format))
	default:
		return fmt.Errorf("unknown format %q of the Piano: html, pdf, docx or odt", format)
	}
	return writeDocument(format, err, buf.Bytes(), out, stdout)
}

func serve(ctx context.Context, cfg config, st *store.Store, log *slog.Logger) error {
	// The managers are told of the entry windows that opened as the server
	// starts, then every hour.
	cfg.server.OpenWindows = cmp.Or(cfg.server.OpenWindows, time.Hour)
	var metrics *http.Server
	if cfg.metricsAddr != "" {
		cfg.server.Metrics = server.NewMetrics()
		var err error
		if metrics, err = serveMetrics(cfg.metricsAddr, cfg.server.Metrics, log); err != nil {
			return err
		}
		defer metrics.Close()
	}
	// Each server keeps what reading a session reads, told of every change
	// by PostgreSQL's notices (store.WatchChanges).
	st.OnChangesLost(func(err error) {
		log.Warn("change notices lost; reading every session from the database until they resume", "err", err)
	})
	go st.WatchChanges(ctx, store.Watch{Retry: 5 * time.Second, Probe: 10 * time.Second})
	srv := &http.Server{
		Addr:              cfg.addr,
		Handler:           server.New(st, log, cfg.server),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
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
	if metrics != nil {
		metrics.Shutdown(shutdown)
	}
	return srv.Shutdown(shutdown)
}

// serveMetrics serves m's /metrics, and nothing else, on a listener of its
// own at addr (METRICS_ADDR), never on the application's: whoever reaches
// addr reads them, so it belongs on the loopback or a private network. The
// log says where; a failure to listen stops the start.
func serveMetrics(addr string, m *server.Metrics, log *slog.Logger) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("METRICS_ADDR: %w", err)
	}
	srv := &http.Server{
		Handler:           m.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      30 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener stopped", "addr", addr, "err", err)
		}
	}()
	log.Info("metrics served", "url", "http://"+ln.Addr().String()+"/metrics")
	if openToAll(addr) {
		log.Warn("METRICS_ADDR listens on every interface: whoever reaches it reads the metrics; prefer 127.0.0.1 or a private address", "addr", addr)
	}
	return srv, nil
}
