package server

import (
	"net/http"

	"github.com/a-h/templ"

	"traguardo/internal/auth"
	"traguardo/internal/format"
	"traguardo/internal/legal"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// The legal notices: the accessibility statement (L. 4/2004, the AgID
// model) and the privacy notice (art. 13 GDPR) are public pages, read
// without signing in; the administrator completes them on one form.

// legalText is a text of the notices as the pages show it.
func legalText(s string) pages.Text { return pages.Text(legal.Paragraphs(s)) }

// accessibilityStatement is the public accessibility statement.
func (s *Server) accessibilityStatement(w http.ResponseWriter, r *http.Request) error {
	n, err := s.store.LoadLegalNotices(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, pages.AccessibilityStatement(pages.AccessibilityView{
		Body: n.Body, SiteURL: n.SiteURL, Status: n.Status.Label(), Compliant: n.Status == legal.Compliant,
		NonAccessible: legalText(n.NonAccessible), PreparedOn: format.Date(n.PreparedOn), ReviewedOn: format.Date(n.ReviewedOn),
		Assessment: legalText(n.Assessment), FeedbackEmail: n.FeedbackEmail, Organisation: legalText(n.Organisation),
		Edit: auth.Allowed(auth.UserFrom(r.Context()), auth.EditLegal, 0),
	}))
	return nil
}

// privacyNotice is the public privacy notice.
func (s *Server) privacyNotice(w http.ResponseWriter, r *http.Request) error {
	n, err := s.store.LoadLegalNotices(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, pages.PrivacyNotice(pages.PrivacyView{
		Controller: n.Controller, ControllerContact: legalText(n.ControllerContact), DPOContact: legalText(n.DPOContact),
		Recipients: legalText(n.Recipients), Retention: legalText(n.Retention),
		Edit: auth.Allowed(auth.UserFrom(r.Context()), auth.EditLegal, 0),
	}))
	return nil
}

// legalForm is the form's view of f.
func legalForm(f legal.Form) pages.LegalForm {
	return pages.LegalForm{Status: f.Status, NonAccessible: f.NonAccessible, PreparedOn: f.PreparedOn, ReviewedOn: f.ReviewedOn,
		Assessment: f.Assessment, FeedbackEmail: f.FeedbackEmail, SiteURL: f.SiteURL, Organisation: f.Organisation,
		Controller: f.Controller, ControllerContact: f.ControllerContact, DPOContact: f.DPOContact,
		Recipients: f.Recipients, Retention: f.Retention}
}

// legalRecord is the notices as the form shows them, by the store's field
// names, for the notice of a change saved meanwhile.
func legalRecord(n legal.Notices) stored {
	f, l := legal.FormOf(n), pages.LegalLabels
	field := func(key, value string) recordField { return recordField{key, l[key], value} }
	return stored{version: n.Version, fields: []recordField{
		field(legal.FieldStatus, f.Status), field(legal.FieldNonAccessible, f.NonAccessible),
		field(legal.FieldPreparedOn, f.PreparedOn), field(legal.FieldReviewedOn, f.ReviewedOn),
		field(legal.FieldAssessment, f.Assessment), field(legal.FieldFeedbackEmail, f.FeedbackEmail),
		field(legal.FieldSiteURL, f.SiteURL), field(legal.FieldOrganisation, f.Organisation),
		field(legal.FieldController, f.Controller), field(legal.FieldControllerContact, f.ControllerContact),
		field(legal.FieldDPOContact, f.DPOContact), field(legal.FieldRecipients, f.Recipients),
		field(legal.FieldRetention, f.Retention),
	}}
}

// legalEdit is the administrator's form of both notices: checked by
// legal.Check (a field in error keeps what was typed, with its message
// beside it, and nothing is saved), versioned (a save over someone else's
// is refused, 409) and audited, in one transaction.
func (s *Server) legalEdit(w http.ResponseWriter, r *http.Request) error {
	n, err := s.store.LoadLegalNotices(r.Context())
	if err != nil {
		return err
	}
	var statuses []components.Option
	for _, st := range legal.Statuses() {
		statuses = append(statuses, components.Option{Value: string(st), Label: st.Label()})
	}
	v := pages.LegalEditView{Form: legalForm(legal.FormOf(n)), Statuses: statuses, Default: !n.Saved(), Errors: components.FieldErrors{}}
	var next legal.Notices
	return s.servePlanForm(w, r, planForm{
		page:   func() templ.Component { return pages.LegalEdit(v) },
		errs:   v.Errors,
		edit:   &v.Edit,
		record: legalRecord(n),
		read: func(_, _ string) {
			f := legal.Form{Status: r.PostFormValue(legal.FieldStatus), NonAccessible: r.PostFormValue(legal.FieldNonAccessible),
				PreparedOn: r.PostFormValue(legal.FieldPreparedOn), ReviewedOn: r.PostFormValue(legal.FieldReviewedOn),
				Assessment: r.PostFormValue(legal.FieldAssessment), FeedbackEmail: r.PostFormValue(legal.FieldFeedbackEmail),
				SiteURL: r.PostFormValue(legal.FieldSiteURL), Organisation: r.PostFormValue(legal.FieldOrganisation),
				Controller: r.PostFormValue(legal.FieldController), ControllerContact: r.PostFormValue(legal.FieldControllerContact),
				DPOContact: r.PostFormValue(legal.FieldDPOContact), Recipients: r.PostFormValue(legal.FieldRecipients),
				Retention: r.PostFormValue(legal.FieldRetention)}
			v.Form = legalForm(f)
			var errs map[string]string
			next, errs = legal.Check(f, s.today(), components.ParseDay)
			for field, msg := range errs {
				v.Errors[field] = msg
			}
		},
		save: func(ch store.Change) (string, string, error) {
			if n.Saved() && sameNotices(n, next) {
				return paths.LegalNotices, "Nulla è cambiato.", nil
			}
			return paths.LegalNotices, "Dichiarazione di accessibilità e informativa salvate.", s.store.SaveLegalNotices(r.Context(), ch, next)
		},
		conflictField: onField(""),
	})
}

// sameNotices reports whether b changes nothing of a's fields.
func sameNotices(a, b legal.Notices) bool {
	return legal.FormOf(a) == legal.FormOf(b)
}
