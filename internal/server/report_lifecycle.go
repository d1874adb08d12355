package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"traguardo/internal/format"

	"traguardo/internal/auth"
	"traguardo/internal/plan"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// The page of the Relazione's lifecycle (/cicli/{year}/validazione): its
// state and legal calendar, the director's sending, the Nucleo's comments
// per objective with the director's answers, the Nucleo's validation, and
// every version with its decision, hashes and frozen files.

// reportState is where the Relazione of a cycle stands: the version
// waiting for the Nucleo, else the latest decided one, else a draft.
func reportState(versions []store.ReportVersion) plan.ReportState {
	if len(versions) == 0 {
		return plan.ReportDraft
	}
	return versions[0].State // newest first: the one waiting, or the latest decided
}

// pendingVersion is the version waiting for the Nucleo, or nil.
func pendingVersion(versions []store.ReportVersion) *store.ReportVersion {
	for i := range versions {
		if versions[i].State == plan.ReportSent {
			return &versions[i]
		}
	}
	return nil
}

// validatedOn is the day of the latest validation (with or without
// observations), nil when there is none.
func validatedOn(versions []store.ReportVersion) *time.Time {
	for _, v := range versions {
		if v.State.Published() {
			return v.ValidatedOn
		}
	}
	return nil
}

// cycleDeadlines is the legal calendar of c at today, as the pages show it.
func cycleDeadlines(c *plan.Cycle, versions []store.ReportVersion, today time.Time) []pages.DeadlineRow {
	var out []pages.DeadlineRow
	for _, d := range plan.Deadlines(c.Year, c.ApprovedOn, validatedOn(versions), today) {
		row := pages.DeadlineRow{What: d.What, Due: format.Date(d.Due), Late: d.Late}
		if d.Done != nil {
			row.Done = format.Date(*d.Done)
		}
		out = append(out, row)
	}
	return out
}

// versionRow is a version as the internal page lists it.
func (s *Server) versionRow(year int, v store.ReportVersion) pages.ReportVersionRow {
	row := pages.ReportVersionRow{Number: v.Number, State: v.State.Label(), Published: v.State.Published(), Decided: v.State.IsOutcome(),
		SentAt: components.DateTime(v.SentAt), SentBy: v.SentBy, OpenPoints: v.OpenPoints,
		ValidatedBy: v.ValidatedBy, ValidationHTML: s.policy.Sanitize(v.ValidationHTML),
		PDFSHA256: v.PDFSHA256, JSONSHA256: v.JSONSHA256}
	if v.ValidatedOn != nil {
		row.ValidatedOn = format.Date(*v.ValidatedOn)
	}
	if row.Decided {
		row.PDFHref = paths.ReportVersionFile(year, v.Number, paths.FrozenPDF)
		row.JSONHref = paths.ReportVersionFile(year, v.Number, paths.FrozenJSON)
	}
	return row
}

// lifecycleView builds the lifecycle page of c for the user of r.
func (s *Server) lifecycleView(ctx context.Context, c *plan.Cycle) (pages.ReportLifecycleView, []store.ReportComment, error) {
	versions, err := s.store.ReportVersions(ctx, c.Year)
	if err != nil {
		return pages.ReportLifecycleView{}, nil, err
	}
	comments, err := s.store.ReportComments(ctx, c.Year)
	if err != nil {
		return pages.ReportLifecycleView{}, nil, err
	}
	u := auth.UserFrom(ctx)
	pending := pendingVersion(versions)
	v := pages.ReportLifecycleView{
		Year: c.Year, State: reportState(versions).Label(), Deadlines: cycleDeadlines(c, versions, s.today()),
		MaySend:       auth.Allowed(u, auth.SendReport, 0) && pending == nil && c.Approved(),
		MayComment:    auth.Allowed(u, auth.Comment, 0),
		MayValidate:   auth.Allowed(u, auth.Validate, 0),
		MayAnswer:     auth.Allowed(u, auth.SendReport, 0),
		NotApproved:   auth.Allowed(u, auth.SendReport, 0) && !c.Approved(),
		Resend:        len(versions) > 0,
		SendHref:      paths.ValidationSend(c.Year),
		ValidateHref:  paths.ValidationDecide(c.Year),
		PreviewHref:   paths.ReportFile(c.Year, "pdf"),
		CommentAction: paths.ValidationComments(c.Year),
		Errors:        components.FieldErrors{},
	}
	if validatedOn(versions) != nil {
		v.PublicHref = paths.Transparency(c.Year)
	}
	for _, ver := range versions {
		row := s.versionRow(c.Year, ver)
		if ver.State == plan.ReportSent {
			v.Pending = &row
		}
		v.Versions = append(v.Versions, row)
	}
	for _, m := range comments {
		row := pages.CommentRow{ID: m.ID, Version: m.Version, ReportNumber: m.ReportNumber, Objective: m.Objective, Body: m.Body,
			At: components.DateTime(m.At), By: m.By, Answer: m.Answer, AnsweredBy: m.AnsweredBy, AnswerTyped: m.Answer,
			AnswerAction: paths.CommentAnswer(c.Year, m.ID)}
		if m.AnsweredAt != nil {
			row.AnsweredAt = components.DateTime(*m.AnsweredAt)
		}
		if m.ObjectiveID != nil {
			row.ObjectiveHref = paths.Objective(c.Year, *m.ObjectiveID)
		}
		v.Comments = append(v.Comments, row)
	}
	if v.MayComment && pending != nil {
		v.Objectives = append(v.Objectives, components.Option{Value: "", Label: "Scegliere un obiettivo"})
		for _, ce := range c.Centres {
			for _, o := range ce.Objectives {
				v.Objectives = append(v.Objectives, components.Option{Value: strconv.FormatInt(o.ID, 10),
					Label: objectiveChoice(ce, o)})
			}
		}
	}
	return v, comments, nil
}

// objectiveChoice names objective o of centre ce in the Nucleo's list of
// objectives to comment. The number restarts in each section, so a centre
// with objectives in more than one section names the section too: "AREA
// DISABILI - ANZIANI · DISABILI · Obiettivo 1: ..." and "... · ANZIANI ·
// Obiettivo 1: ...", never the same words for two objectives.
func objectiveChoice(ce *plan.Centre, o *plan.Objective) string {
	for _, other := range ce.Objectives {
		if other.Section != o.Section {
			return fmt.Sprintf("%s · %s · Obiettivo %d: %s", ce.Name, o.Section, o.Number, clip(o.Title, 120))
		}
	}
	return fmt.Sprintf("%s · Obiettivo %d: %s", ce.Name, o.Number, clip(o.Title, 120))
}

func (s *Server) reportLifecycle(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	v, _, err := s.lifecycleView(r.Context(), c)
	if err != nil {
		return err
	}
	// From an objective's page (?obiettivo=ID): the comment form starts on it.
	if id, err := strconv.ParseInt(r.URL.Query().Get("obiettivo"), 10, 64); err == nil {
		if _, _, ok := c.ObjectiveByID(id); ok {
			v.CommentForm.Objective = strconv.FormatInt(id, 10)
		}
	}
	s.render(w, r, http.StatusOK, pages.ReportLifecycle(v))
	return nil
}

// reportComment records the Nucleo's comment on an objective of the
// version waiting; a form in error comes back on the lifecycle page (422).
func (s *Server) reportComment(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	v, _, err := s.lifecycleView(r.Context(), c)
	if err != nil {
		return err
	}
	if v.Pending == nil {
		return &store.Conflict{Message: "nessuna relazione è in attesa del Nucleo: il direttore deve prima inviarla"}
	}
	v.CommentForm = pages.CommentForm{Objective: strings.TrimSpace(r.PostFormValue("objective")), Body: strings.TrimSpace(r.PostFormValue("body"))}
	objective, perr := strconv.ParseInt(v.CommentForm.Objective, 10, 64)
	if _, _, ok := c.ObjectiveByID(objective); perr != nil || !ok {
		v.Errors["objective"] = "Scegliere l'obiettivo del commento."
	}
	if v.CommentForm.Body == "" {
		v.Errors["body"] = "Scrivere il commento."
	} else if msg := plan.TooLong(v.CommentForm.Body, plan.MaxText); msg != "" {
		v.Errors["body"] = sentence(msg)
	}
	if len(v.Errors) == 0 {
		_, ids, err := s.store.CommentReport(r.Context(), actor(auth.UserFrom(r.Context())), c.Year, objective, v.CommentForm.Body,
			paths.Validation(c.Year)+"#commenti")
		if err == nil {
			s.mailNotifications(ids)
			s.seeOther(w, r, paths.Validation(c.Year)+"#commenti", "Commento inviato.")
			return nil
		}
		field := namedField(err, nil)
		if field == "" || !storeConflict(err, v.Errors, field) {
			return err
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.ReportLifecycle(v))
	return nil
}

// reportAnswer records the director's answer to a comment, at the version
// the page showed (a stale one is refused, 409).
func (s *Server) reportAnswer(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	id, err := idParam(r, "cid")
	if err != nil {
		return err
	}
	v, comments, err := s.lifecycleView(r.Context(), c)
	if err != nil {
		return err
	}
	i := -1
	for k, m := range comments {
		if m.ID == id {
			i = k
		}
	}
	if i < 0 {
		return notFound("Il commento richiesto non esiste in questo ciclo.")
	}
	answer := strings.TrimSpace(r.PostFormValue("answer"))
	row := &v.Comments[i]
	row.AnswerTyped = answer
	switch {
	case answer == "":
		row.AnswerError = "Scrivere la risposta."
	case plan.TooLong(answer, plan.MaxText) != "":
		row.AnswerError = sentence(plan.TooLong(answer, plan.MaxText))
	}
	if row.AnswerError == "" {
		ids, err := s.store.AnswerComment(r.Context(), store.Change{Actor: actor(auth.UserFrom(r.Context())), Version: formVersion(r)}, c.Year, id, answer,
			fmt.Sprintf("%s#commento-%d", paths.Validation(c.Year), id))
		if err == nil {
			s.mailNotifications(ids)
			s.seeOther(w, r, fmt.Sprintf("%s#commento-%d", paths.Validation(c.Year), id), "Risposta salvata.")
			return nil
		}
		var conflict *store.Conflict
		if !errors.As(err, &conflict) || conflict.Field != "answer" {
			return err
		}
		row.AnswerError = sentence(conflict.Message)
	}
	v.Errors["answer-"+strconv.FormatInt(id, 10)] = row.AnswerError
	s.render(w, r, http.StatusUnprocessableEntity, pages.ReportLifecycle(v))
	return nil
}
