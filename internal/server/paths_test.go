package server_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"traguardo/internal/server"
	"traguardo/internal/store"
	"traguardo/web/paths"
)

// pathsNotURLs are the exported names of package paths that are not URLs
// of the application, with what they are.
var pathsNotURLs = map[string]string{
	"CentreSection":    "the id of a centre's row on the cycle page (CentreAnchor's fragment)",
	"FrozenPDF":        "a file name, in ReportVersionFile and TransparencyFile",
	"FrozenJSON":       "a file name, in ReportVersionFile",
	"PublicJSON":       "a file name, in TransparencyFile",
	"PublicCSV":        "a file name, in TransparencyFile",
	"MidYearFrozenPDF": "a file name, in MidYearSendingPDF",
	"PianoPDF":         "a file name, in TransparencyPiano",
}

// TestPaths_RouterMatches: every URL package paths builds is one the router
// serves, with the method the pages use it with. Every exported name of
// package paths is here or in pathsNotURLs: a function added there fails
// this test until its URLs are checked.
func TestPaths_RouterMatches(t *testing.T) {
	t.Parallel()
	day := time.Date(2023, 6, 30, 0, 0, 0, 0, time.UTC)
	get, post := http.MethodGet, http.MethodPost
	type use struct{ method, url string }
	urls := map[string][]use{
		"Cycle":              {{get, paths.Cycle(2023)}},
		"Centre":             {{get, paths.Centre(2023, 7)}, {get, paths.Centre(2023, 7) + "/modifica"}, {get, paths.Centre(2023, 7) + "/elimina"}},
		"CentreAnchor":       {{get, paths.CentreAnchor(2023, 7)}},
		"Objectives":         {{get, paths.Objectives(2023)}},
		"Dashboard":          {{get, paths.Dashboard(2023)}},
		"Objective":          {{get, paths.Objective(2023, 12)}, {post, paths.Objective(2023, 12) + "/sposta"}},
		"Activity":           {{get, paths.Activity(2023, 300) + "/modifica"}, {post, paths.Activity(2023, 300) + "/sposta"}},
		"Indicator":          {{get, paths.Indicator(2023, 41) + "/modifica"}, {post, paths.Indicator(2023, 41) + "/sposta"}},
		"Monitoring":         {{get, paths.Monitoring(2023)}},
		"Submission":         {{get, paths.Submission(2023, 5, 7)}, {post, paths.Submission(2023, 5, 7) + "/invia"}},
		"Window":             {{get, paths.Window(2023, 5)}},
		"Notifications":      {{get, paths.Notifications}},
		"AsOf":               {{get, paths.AsOf(paths.Cycle(2023), day)}},
		"AsOfOrPlain":        {{get, paths.AsOfOrPlain(paths.Objective(2023, 12), day)}, {get, paths.AsOfOrPlain(paths.Cycle(2023), time.Time{})}},
		"MyAreas":            {{get, paths.MyAreas}},
		"Progress":           {{get, paths.Progress(2023, 12, 5)}, {post, paths.Progress(2023, 12, 5)}},
		"Measure":            {{get, paths.Measure(2023, 41)}},
		"Targets":            {{get, paths.Targets(2023, 41)}},
		"Report":             {{get, paths.Report(2023)}},
		"ReportFile":         {{get, paths.ReportFile(2023, "pdf")}, {get, paths.ReportFile(2023, "docx")}, {get, paths.ReportFile(2023, "odt")}, {get, paths.ReportFile(2023, "xlsx")}, {get, paths.ReportFile(2023, "csv")}},
		"ReportTexts":        {{get, paths.ReportTexts(2023)}},
		"StrategicAreas":     {{get, paths.StrategicAreas(2023)}, {post, paths.StrategicAreas(2023)}},
		"ReportCheck":        {{get, paths.ReportCheck(2023)}},
		"Validation":         {{get, paths.Validation(2023)}},
		"ValidationSend":     {{get, paths.ValidationSend(2023)}, {post, paths.ValidationSend(2023)}},
		"ValidationDecide":   {{get, paths.ValidationDecide(2023)}, {post, paths.ValidationDecide(2023)}},
		"ValidationComments": {{post, paths.ValidationComments(2023)}},
		"CommentAnswer":      {{post, paths.CommentAnswer(2023, 3)}},
		"ReportVersionFile":  {{get, paths.ReportVersionFile(2023, 1, paths.FrozenPDF)}, {get, paths.ReportVersionFile(2023, 1, paths.FrozenJSON)}},
		"Transparency":       {{get, paths.Transparency(2023)}},
		"TransparencyIndex":  {{get, paths.TransparencyIndex}},
		"TransparencyFile":   {{get, paths.TransparencyFile(2023, 1, paths.FrozenPDF)}, {get, paths.TransparencyFile(2023, 1, paths.PublicJSON)}, {get, paths.TransparencyFile(2023, 1, paths.PublicCSV)}},
		"Home":               {{get, paths.Home}},
		"SignIn":             {{get, paths.SignIn}, {post, paths.SignIn}},
		"SignOut":            {{post, paths.SignOut}},
		"SignInProvider":     {{post, paths.SignInProvider}},
		"SignInReturn":       {{get, paths.SignInReturn}},
		"Password":           {{get, paths.Password}, {post, paths.Password}},
		"Users":              {{get, paths.Users}, {post, paths.Users}},
		"User":               {{get, paths.User(9, "modifica")}, {get, paths.User(9, "password")}, {get, paths.User(9, "stato")}},
		"Audit":              {{get, paths.Audit}},
		"NewCycle":           {{get, paths.NewCycle}, {post, paths.NewCycle}},
		"CycleImport":        {{get, paths.CycleImport}, {post, paths.CycleImport}},
		"PlanTemplate":       {{get, paths.PlanTemplate}},
		"NotificationsRead":  {{post, paths.NotificationsRead}},
		"NotificationRead":   {{post, paths.NotificationRead(4)}},
		"Accessibility":      {{get, paths.Accessibility}},
		"Privacy":            {{get, paths.Privacy}},
		"Guides":             {{get, paths.Guides}},
		"Guide":              {{get, paths.Guide("responsabile")}, {get, paths.Guide("amministratore")}},
		"GuideSection":       {{get, paths.GuideSection("direttore", "il-cruscotto")}},
		"LegalNotices":       {{get, paths.LegalNotices}, {post, paths.LegalNotices}},
		"MidYear":            {{get, paths.MidYear(2023, day)}, {get, paths.MidYear(2023, time.Time{})}},
		"MidYearPDF":         {{get, paths.MidYearPDF(2023, day)}},
		"MidYearSend":        {{post, paths.MidYearSend(2023)}},
		"MidYearObserve":     {{get, paths.MidYearObserve(2023, day)}, {post, paths.MidYearObserve(2023, time.Time{})}},
		"MidYearSendingPDF":  {{get, paths.MidYearSendingPDF(2023, 3)}},
		"Piano":              {{get, paths.Piano(2024)}},
		"PianoFile":          {{get, paths.PianoFile(2024, "pdf")}, {get, paths.PianoFile(2024, "docx")}, {get, paths.PianoFile(2024, "odt")}},
		"PianoFreeze":        {{post, paths.PianoFreeze(2024)}},
		"TransparencyPiano":  {{get, paths.TransparencyPiano(2024, 2)}},
	}

	// Every exported name of package paths, in every file of it.
	fset := token.NewFileSet()
	files, err := filepath.Glob("../../web/paths/*.go")
	if err != nil {
		t.Fatal(err)
	}
	var decls []ast.Decl
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		decls = append(decls, f.Decls...)
	}
	var names []string
	for _, d := range decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.IsExported() {
				names = append(names, d.Name.Name)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				if v, ok := s.(*ast.ValueSpec); ok {
					for _, n := range v.Names {
						if n.IsExported() {
							names = append(names, n.Name)
						}
					}
				}
			}
		}
	}
	if len(names) < 20 {
		t.Fatalf("found only %d names in package paths: %v", len(names), names)
	}
	for _, n := range names {
		_, isURL := urls[n]
		if _, notURL := pathsNotURLs[n]; !isURL && !notURL {
			t.Errorf("paths.%s: check here the URLs it builds against the router (or say in pathsNotURLs what it is)", n)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(urls)) {
		if !slices.Contains(names, n) {
			t.Errorf("paths.%s is checked here but package paths has no such name", n)
		}
	}

	routes, ok := server.New(store.New(nil), newTestLogger(t), server.Config{SessionCleanup: -1}).(chi.Routes)
	if !ok {
		t.Fatal("server.New does not return a chi.Routes")
	}
	for _, n := range slices.Sorted(maps.Keys(urls)) {
		for _, u := range urls[n] {
			path, _, _ := strings.Cut(u.url, "#")
			path, _, _ = strings.Cut(path, "?")
			if !routes.Match(chi.NewRouteContext(), u.method, path) {
				t.Errorf("paths.%s: %s %s matches no route", n, u.method, u.url)
			}
		}
	}
}
