package server

import (
	"compress/gzip"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"traguardo/internal/auth"
	"traguardo/internal/store"
	"traguardo/web/paths"
)

// CompressionLevel is the gzip level of the pages: the fastest, since a
// page is compressed at every request (the static files are compressed once,
// at the highest).
const CompressionLevel = gzip.BestSpeed

// routes is the whole URL space. Every route is registered through a
// routeTable, naming the permission it needs or saying it is public; a route
// registered any other way stops the server at start (mustCover), and the
// route matrix test fails for a route added without a decision.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	rt := &routeTable{s: s, perms: map[string]auth.Permission{}, public: map[string]bool{}}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.log.Warn("cross-origin request refused", "method", r.Method, "path", r.URL.Path)
		http.Error(w, "Richiesta rifiutata: proviene da un altro sito.", http.StatusForbidden)
	}))
	// Pages and JSON go out gzipped to clients that accept it (the static
	// files come gzipped already: Compress leaves them be).
	if s.cfg.Metrics != nil {
		// Outermost: the time of a request includes the other middleware's.
		r.Use(s.cfg.Metrics.measure)
	}
	r.Use(middleware.Recoverer, middleware.Compress(CompressionLevel), s.securityHeaders, limitBody, cop.Handler, trackOutcome)
	// The error page renders through the layout, which reads the session
	// (flash, signed-in user): without loadSession it panics.
	r.NotFound(s.loadSession(s.authenticate(s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return notFound("La pagina richiesta non esiste.")
	}))).ServeHTTP)
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Metodo non consentito", http.StatusMethodNotAllowed)
	})

	// Public: no session needed.
	g := rt.on(r)
	g.public(http.MethodGet, "/healthz", http.HandlerFunc(s.healthz))
	// Read-only: http.FileServer would answer PUT, DELETE and the rest with the file.
	files := staticFiles()
	g.public(http.MethodGet, "/static/*", files)
	g.public(http.MethodHead, "/static/*", files)
	// The files of a validated Relazione, to anyone and cacheable: no session.
	g.public(http.MethodGet, "/trasparenza/relazione/{year}/versioni/{n}/{file}", http.HandlerFunc(s.publicReportFile))
	// The frozen PDFs of the adopted Piano, likewise.
	g.public(http.MethodGet, "/trasparenza/piano/{year}/versioni/{n}/"+paths.PianoPDF, http.HandlerFunc(s.publicPianoFile))

	// The two routes that take a file: a larger body, multipart.
	r.Group(func(r chi.Router) {
		r.Use(s.loadSession, s.authenticate, s.uploadInput)
		g := rt.on(r)
		g.post("/cicli/{year}/importa-foglio", auth.EditPlan, s.planUpload)
		g.post("/cicli/importa", auth.EditPlan, s.cycleImport)
	})

	// Everything else: ordinary forms only.
	r.Group(func(r chi.Router) {
		r.Use(s.loadSession, s.authenticate, s.formInput)
		g := rt.on(r)
		g.public(http.MethodGet, "/accedi", s.handle(s.signInForm))
		g.public(http.MethodPost, "/accedi", s.handle(s.signIn))
		g.public(http.MethodPost, "/esci", s.handle(s.signOut))
		// Sign-in with the body's OpenID Connect provider: 404 when none is
		// configured.
		g.public(http.MethodPost, paths.SignInProvider, s.handle(s.oidcStart))
		g.public(http.MethodGet, paths.SignInReturn, s.handle(s.oidcReturn))

		g.get("/profilo/password", auth.ChangePassword, s.passwordForm)
		g.post("/profilo/password", auth.ChangePassword, s.passwordChange)

		g.get("/", auth.ReadCycle, s.home)
		g.get("/cicli/{year}", auth.ReadCycle, s.cycleShow)
		g.get("/cicli/{year}/export.json", auth.ReadCycle, s.cycleExport)
		g.get("/cicli/{year}/piano.xlsx", auth.ReadCycle, s.planWorkbook)
		g.get("/modello-piano.xlsx", auth.ReadCycle, s.planTemplate)
		g.get("/cicli/{year}/centri/{centre}", auth.ReadCycle, s.centreShow)
		g.get("/cicli/{year}/obiettivi", auth.ReadCycle, s.objectivesList)
		g.get("/cicli/{year}/cruscotto", auth.ReadCycle, s.dashboard)
		g.get("/cicli/{year}/obiettivi/{id}", auth.ReadCycle, s.objectiveShow)
		g.get("/cicli/{year}/variazioni", auth.ReadCycle, s.variationsList)

		// Approving the plan: the director.
		g.get("/cicli/{year}/approva", auth.ApprovePlan, s.planApprove)
		g.post("/cicli/{year}/approva", auth.ApprovePlan, s.planApprove)

		// The plan: director and admin.
		{
			g.get("/cicli/{year}/centri/{centre}/obiettivi/nuovo", auth.EditPlan, s.objectiveNew)
			g.post("/cicli/{year}/centri/{centre}/obiettivi/nuovo", auth.EditPlan, s.objectiveNew)
			g.get("/cicli/{year}/obiettivi/{id}/modifica", auth.EditPlan, s.objectiveEdit)
			g.post("/cicli/{year}/obiettivi/{id}/modifica", auth.EditPlan, s.objectiveEdit)
			g.get("/cicli/{year}/obiettivi/{id}/elimina", auth.EditPlan, s.objectiveDelete)
			g.post("/cicli/{year}/obiettivi/{id}/elimina", auth.EditPlan, s.objectiveDelete)
			g.post("/cicli/{year}/obiettivi/{id}/sposta", auth.EditPlan, s.objectiveMove)

			// The plan as files: a workbook into an empty cycle, a v1
			// document as a new cycle (their POSTs are above).
			g.get("/cicli/{year}/importa-foglio", auth.EditPlan, s.planUpload)
			g.get("/cicli/importa", auth.EditPlan, s.cycleImport)

			// The cycle, its periods and its centres.
			g.get("/cicli/nuovo", auth.EditPlan, s.cycleNew)
			g.post("/cicli/nuovo", auth.EditPlan, s.cycleNew)
			g.get("/cicli/{year}/impostazioni", auth.EditPlan, s.cycleSettings)
			g.post("/cicli/{year}/impostazioni", auth.EditPlan, s.cycleSettings)
			g.get("/cicli/{year}/aree-strategiche", auth.EditPlan, s.strategicAreas)
			g.post("/cicli/{year}/aree-strategiche", auth.EditPlan, s.strategicAreas)
			g.get("/cicli/{year}/periodi/{pid}/elimina", auth.EditPlan, s.periodDelete)
			g.post("/cicli/{year}/periodi/{pid}/elimina", auth.EditPlan, s.periodDelete)
			g.get("/cicli/{year}/elimina", auth.EditPlan, s.cycleDelete)
			g.post("/cicli/{year}/elimina", auth.EditPlan, s.cycleDelete)
			g.post("/cicli/{year}/riporta", auth.EditPlan, s.cycleCarryOver)
			g.get("/cicli/{year}/centri/nuovo", auth.EditPlan, s.centreNew)
			g.post("/cicli/{year}/centri/nuovo", auth.EditPlan, s.centreNew)
			g.get("/cicli/{year}/centri/{centre}/modifica", auth.EditPlan, s.centreEdit)
			g.post("/cicli/{year}/centri/{centre}/modifica", auth.EditPlan, s.centreEdit)
			g.get("/cicli/{year}/centri/{centre}/elimina", auth.EditPlan, s.centreDelete)
			g.post("/cicli/{year}/centri/{centre}/elimina", auth.EditPlan, s.centreDelete)
			g.post("/cicli/{year}/centri/{centre}/sposta", auth.EditPlan, s.centreMove)
			g.get("/cicli/{year}/obiettivi/{id}/attivita/nuova", auth.EditPlan, s.activityNew)
			g.post("/cicli/{year}/obiettivi/{id}/attivita/nuova", auth.EditPlan, s.activityNew)
			g.get("/cicli/{year}/attivita/{aid}/modifica", auth.EditPlan, s.activityEdit)
			g.post("/cicli/{year}/attivita/{aid}/modifica", auth.EditPlan, s.activityEdit)
			g.get("/cicli/{year}/attivita/{aid}/elimina", auth.EditPlan, s.activityDelete)
			g.post("/cicli/{year}/attivita/{aid}/elimina", auth.EditPlan, s.activityDelete)
			g.post("/cicli/{year}/attivita/{aid}/sposta", auth.EditPlan, s.activityMove)
			g.get("/cicli/{year}/obiettivi/{id}/indicatori/nuovo", auth.EditPlan, s.indicatorNew)
			g.post("/cicli/{year}/obiettivi/{id}/indicatori/nuovo", auth.EditPlan, s.indicatorNew)
			g.get("/cicli/{year}/indicatori/{iid}/modifica", auth.EditPlan, s.indicatorEdit)
			g.post("/cicli/{year}/indicatori/{iid}/modifica", auth.EditPlan, s.indicatorEdit)
			g.get("/cicli/{year}/indicatori/{iid}/elimina", auth.EditPlan, s.indicatorDelete)
			g.post("/cicli/{year}/indicatori/{iid}/elimina", auth.EditPlan, s.indicatorDelete)
			g.post("/cicli/{year}/indicatori/{iid}/sposta", auth.EditPlan, s.indicatorMove)
			g.get("/cicli/{year}/indicatori/{iid}/target", auth.EditPlan, s.indicatorTargets)
			g.post("/cicli/{year}/indicatori/{iid}/target", auth.EditPlan, s.indicatorTargets)
			g.get("/cicli/{year}/indicatori/{iid}/misura", auth.Neutralise, s.indicatorMeasure)
			g.post("/cicli/{year}/indicatori/{iid}/misura", auth.Neutralise, s.indicatorMeasure)
		}

		// Monitoring review: windows, submissions, the director's review, notifications.
		{
			g.get("/cicli/{year}/monitoraggio", auth.ReadCycle, s.monitoringOverview)
			g.get("/cicli/{year}/monitoraggio/{pid}/centri/{centre}", auth.ReadCycle, s.submissionShow)
			g.post("/cicli/{year}/monitoraggio/{pid}/centri/{centre}/invia", auth.WriteProgress, s.submissionSubmit)
			g.post("/cicli/{year}/monitoraggio/{pid}/centri/{centre}/approva", auth.ApprovePlan, s.submissionApprove)
			g.post("/cicli/{year}/monitoraggio/{pid}/centri/{centre}/restituisci", auth.ApprovePlan, s.submissionReturn)
			g.post("/cicli/{year}/monitoraggio/{pid}/centri/{centre}/riapri", auth.EditPlan, s.submissionReopen)
			g.get("/cicli/{year}/periodi/{pid}/finestra", auth.EditPlan, s.periodWindow)
			g.post("/cicli/{year}/periodi/{pid}/finestra", auth.EditPlan, s.periodWindow)
			g.get("/notifiche", auth.ReadCycle, s.notificationsList)
			g.post("/notifiche/lette", auth.ReadCycle, s.notificationsReadAll)
			g.post("/notifiche/{nid}/letta", auth.ReadCycle, s.notificationRead)
		}

		// Monitoring entry: a manager's areas, and the entry of an
		// objective's progress at a period; the form checks the centre
		// (WriteProgress for it) or lets the director correct.
		{
			g.get(paths.MyAreas, auth.WriteProgress, s.myAreas)
			g.get("/cicli/{year}/obiettivi/{id}/periodi/{pid}/avanzamento", auth.ReadCycle, s.progressEntry)
			g.post("/cicli/{year}/obiettivi/{id}/periodi/{pid}/avanzamento", auth.ReadCycle, s.progressEntry)
		}

		// The Piano della Performance: every reader of the cycle reads it;
		// the director freezes its adopted version when a print failed.
		{
			g.get("/cicli/{year}/piano", auth.ReadCycle, s.pianoShow)
			for _, ext := range []string{"pdf", "docx", "odt"} {
				g.get("/cicli/{year}/piano."+ext, auth.ReadCycle, s.pianoFile(ext))
			}
			g.post("/cicli/{year}/piano/congela", auth.ApprovePlan, s.pianoFreeze)
		}

		// The Relazione sulla Performance: every reader of the cycle reads it
		// in every format; the director writes its texts and checks it.
		{
			g.get("/cicli/{year}/relazione", auth.ReadCycle, s.reportShow)
			for _, ext := range []string{"pdf", "docx", "odt", "xlsx", "csv"} {
				g.get("/cicli/{year}/relazione."+ext, auth.ReadCycle, s.reportFile(ext))
			}
			g.get("/cicli/{year}/relazione/testi", auth.ApprovePlan, s.reportTexts)
			g.post("/cicli/{year}/relazione/testi", auth.ApprovePlan, s.reportTexts)
			g.get("/cicli/{year}/relazione/verifica", auth.ApprovePlan, s.reportCheck)
		}

		// The mid-year monitoring report (monitoraggio.go): every reader
		// reads it; the director sends it to the Nucleo, who observes it.
		{
			g.get("/cicli/{year}/monitoraggio-intermedio", auth.ReadCycle, s.midYearShow)
			g.get("/cicli/{year}/monitoraggio-intermedio.pdf", auth.ReadCycle, s.midYearPDF)
			g.post("/cicli/{year}/monitoraggio-intermedio/invia", auth.SendReport, s.midYearSend)
			g.get("/cicli/{year}/monitoraggio-intermedio/invii/{n}/monitoraggio.pdf", auth.ReadCycle, s.midYearSendingPDF)
			g.get("/cicli/{year}/monitoraggio-intermedio/osservazioni", auth.Comment, s.midYearObserve)
			g.post("/cicli/{year}/monitoraggio-intermedio/osservazioni", auth.Comment, s.midYearObserve)
		}

		g.get("/admin/utenti", auth.ManageUsers, s.usersList)
		g.post("/admin/utenti", auth.ManageUsers, s.userCreate)
		g.get("/admin/utenti/{id}/modifica", auth.ManageUsers, s.userEdit)
		g.post("/admin/utenti/{id}/modifica", auth.ManageUsers, s.userEdit)
		// A reset and a change of state are confirmed on their page first.
		g.get("/admin/utenti/{id}/password", auth.ManageUsers, s.userResetPassword)
		g.post("/admin/utenti/{id}/password", auth.ManageUsers, s.userResetPassword)
		g.get("/admin/utenti/{id}/stato", auth.ManageUsers, s.userSetActive)
		g.post("/admin/utenti/{id}/stato", auth.ManageUsers, s.userSetActive)

		g.get("/registro", auth.ReadAudit, s.auditLog)

		// The legal notices: public pages, with the session so that the
		// header shows who is signed in; the administrator's form of both.
		g.public(http.MethodGet, paths.Accessibility, s.handle(s.accessibilityStatement))
		g.public(http.MethodGet, paths.Privacy, s.handle(s.privacyNotice))
		g.get(paths.LegalNotices, auth.EditLegal, s.legalEdit)
		g.post(paths.LegalNotices, auth.EditLegal, s.legalEdit)

		// The guides of the roles: public too, read with the session (the
		// header, the menu's Guida marked).
		g.public(http.MethodGet, paths.Guides, s.handle(s.guideIndex))
		g.public(http.MethodGet, paths.Guides+"/{ruolo}", s.handle(s.guideShow))

		// The Relazione's lifecycle: the director sends it to the Nucleo
		// and answers its comments; the Nucleo comments and validates; a
		// decided version's frozen files; the public page once validated.
		{
			g.get("/cicli/{year}/validazione", auth.ReadCycle, s.reportLifecycle)
			g.get("/cicli/{year}/validazione/invia", auth.SendReport, s.reportSend)
			g.post("/cicli/{year}/validazione/invia", auth.SendReport, s.reportSend)
			g.post("/cicli/{year}/validazione/commenti", auth.Comment, s.reportComment)
			g.post("/cicli/{year}/validazione/commenti/{cid}/risposta", auth.SendReport, s.reportAnswer)
			g.get("/cicli/{year}/validazione/valida", auth.Validate, s.reportValidate)
			g.post("/cicli/{year}/validazione/valida", auth.Validate, s.reportValidate)
			g.get("/cicli/{year}/validazione/versioni/{n}/relazione.pdf", auth.ReadCycle, s.reportVersionFile(store.FilePDF, paths.FrozenPDF))
			g.get("/cicli/{year}/validazione/versioni/{n}/relazione.json", auth.ReadCycle, s.reportVersionFile(store.FileJSON, paths.FrozenJSON))
			g.public(http.MethodGet, "/trasparenza", s.handle(s.transparencyIndex))
			g.public(http.MethodGet, "/trasparenza/relazione/{year}", s.handle(s.transparencyReport))
		}
	})

	rt.mustCover(r)
	s.router = r
	return r
}

// routeTable records what every route needs, as it is registered.
type routeTable struct {
	s      *Server
	perms  map[string]auth.Permission // by "METHOD /pattern"
	public map[string]bool
}

// routeGroup registers routes on one chi router (a group, with its
// middleware) into the table.
type routeGroup struct {
	t *routeTable
	r chi.Router
}

func (t *routeTable) on(r chi.Router) routeGroup { return routeGroup{t, r} }

// get serves h to the holders of p.
func (g routeGroup) get(pattern string, p auth.Permission, h handlerFunc) {
	g.guarded(http.MethodGet, pattern, p, h)
}

// post serves h to the holders of p.
func (g routeGroup) post(pattern string, p auth.Permission, h handlerFunc) {
	g.guarded(http.MethodPost, pattern, p, h)
}

func (g routeGroup) guarded(method, pattern string, p auth.Permission, h handlerFunc) {
	if p == "" {
		panic(fmt.Sprintf("route %s %s: no permission", method, pattern))
	}
	g.t.perms[method+" "+pattern] = p
	g.r.With(g.t.s.require(p)).Method(method, pattern, g.t.s.handle(h))
}

// public serves h to anyone, signed in or not.
func (g routeGroup) public(method, pattern string, h http.Handler) {
	g.t.public[method+" "+pattern] = true
	g.r.Method(method, pattern, h)
}

// mustCover panics, at start, if the router serves a route that was not
// registered through the table: access fails closed.
func (t *routeTable) mustCover(r chi.Routes) {
	err := chi.Walk(r, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		key := method + " " + route
		if _, ok := t.perms[key]; !ok && !t.public[key] {
			return fmt.Errorf("route %s registered without a permission", key)
		}
		return nil
	})
	if err != nil {
		panic(err)
	}
}
