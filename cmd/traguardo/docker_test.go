package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestDockerFiles: there is no Docker engine where the tests run, so the
// parts of Dockerfile and docker-compose.yml that operations rely on are
// checked here. The image installs every program the application runs
// (Chromium, pandoc, the PDF's fonts, pg_dump/pg_restore of compose's
// PostgreSQL major version) and runs `traguardo doctor` while it is built,
// so a build lacking one fails; compose has both services checked for
// health (pg_isready, GET /healthz) and the application waits for a
// healthy database.
func TestDockerFiles(t *testing.T) {
	b, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Image       string `yaml:"image"`
			Build       any    `yaml:"build"`
			Healthcheck struct {
				Test []string `yaml:"test"`
			} `yaml:"healthcheck"`
			DependsOn map[string]struct {
				Condition string `yaml:"condition"`
			} `yaml:"depends_on"`
			Environment map[string]string `yaml:"environment"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(b, &compose); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	dbSvc, app := compose.Services["db"], compose.Services["app"]
	m := regexp.MustCompile(`^postgres:(\d+)`).FindStringSubmatch(dbSvc.Image)
	if m == nil {
		t.Fatalf("db image %q: want postgres:MAJOR", dbSvc.Image)
	}
	major := m[1]
	if test := strings.Join(dbSvc.Healthcheck.Test, " "); !strings.Contains(test, "pg_isready") {
		t.Errorf("db healthcheck %q: want pg_isready", test)
	}
	if test := app.Healthcheck.Test; !slices.Equal(test, []string{"CMD", "traguardo", "healthcheck"}) {
		t.Errorf("app healthcheck %q: want traguardo healthcheck (GET /healthz)", test)
	}
	if c := app.DependsOn["db"].Condition; c != "service_healthy" {
		t.Errorf("app depends on db with condition %q, want service_healthy", c)
	}
	if app.Build == nil {
		t.Error("app is not built from the Dockerfile")
	}
	if app.Environment["DATABASE_URL"] == "" || app.Environment["MIGRATION_DATABASE_URL"] == "" {
		t.Error("app lacks DATABASE_URL or MIGRATION_DATABASE_URL")
	}

	b, err = os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	// The final stage's instructions, continuation lines joined.
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	stages := strings.Split(text, "\nFROM ")
	final := stages[len(stages)-1]
	var runs []string
	copied := -1 // the binary is copied in before the run at this index
	for _, line := range strings.Split(final, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "COPY --from=build") {
			copied = len(runs)
		}
		if rest, ok := strings.CutPrefix(line, "RUN "); ok {
			runs = append(runs, strings.Join(strings.Fields(rest), " "))
		}
	}
	install := ""
	for _, r := range runs {
		if strings.Contains(r, "apt-get install") {
			install = r
		}
	}
	for _, pkg := range []string{"chromium-headless-shell", "pandoc", "fonts-dejavu-core", "postgresql-client-" + major} {
		if !slices.Contains(strings.Fields(install), pkg) {
			t.Errorf("the image does not install %s (apt-get install line: %q)", pkg, install)
		}
	}
	doctorAt := slices.IndexFunc(runs, func(r string) bool { return strings.Contains(r, "traguardo doctor") })
	if doctorAt < 0 {
		t.Fatalf("the image's build does not run traguardo doctor: %q", runs)
	}
	if !strings.Contains(runs[doctorAt], "--pg-major "+major) || !strings.Contains(runs[doctorAt], "DATABASE_URL=") {
		t.Errorf("doctor at build: %q, want DATABASE_URL set and --pg-major %s (compose's server)", runs[doctorAt], major)
	}
	if copied < 0 || doctorAt < copied {
		t.Error("doctor runs before the binary is copied into the image")
	}
}
