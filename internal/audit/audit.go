// Package audit holds the codes of the audit log: the actions it records,
// the kinds of record (entities) they act on, the keys of the JSON
// snapshots it keeps of a record before and after a change, and the other
// codes a snapshot holds. They are constants so that the compiler checks
// both sides: the store writes them, internal/labels names them in Italian
// and the audit log's page reads them. A test of internal/labels fails for
// a constant here without an Italian name.
//
// The database keeps the codes as text and the snapshots as jsonb: a
// constant's value is what is stored, and must not change.
package audit

// Action is what an audit entry (or a variation) records.
type Action string

// The actions.
const (
	Create          Action = "create"
	Update          Action = "update"
	Delete          Action = "delete"
	Move            Action = "move"
	Import          Action = "import"           // a whole cycle from a file
	ImportPlan      Action = "import-plan"      // a plan from a spreadsheet
	Approve         Action = "approve"          // the plan
	CorrectApproval Action = "correct-approval" // the act that approved the plan
	CarryOver       Action = "carry-over"       // a cycle from the previous one
	ResetPassword   Action = "reset-password"
	ChangePassword  Action = "change-password"
	SetActive       Action = "set-active"
	SignIn          Action = "sign-in"
	SignOut         Action = "sign-out"
	SignInFailed    Action = "sign-in-failed"
	PasswordFailed  Action = "password-failed"
	Throttled       Action = "throttled"
	// Sign-in with the body's OpenID Connect provider: a sign-in, a
	// refusal (its Refusal in KeyReason), and the first sign-in of an
	// account, which links it to the provider's identity.
	SignInOIDC    Action = "sign-in-oidc"
	SignInRefused Action = "sign-in-refused"
	LinkOIDC      Action = "link-oidc"

	// The monitoring review (plan.Submit, plan.Return, plan.Approve).
	Submit            Action = "submit"
	Return            Action = "return"
	ApproveSubmission Action = "approve-submission"
	Reopen            Action = "reopen"
	SaveProgress      Action = "save-progress"
	CorrectProgress   Action = "correct-progress"

	// The Relazione and the Nucleo.
	SendReport     Action = "send-report"
	CommentReport  Action = "comment-report"
	AnswerComment  Action = "answer-comment"
	ValidateReport Action = "validate-report"

	// The mid-year monitoring report and the Nucleo's observations on it.
	SendMonitoring    Action = "send-monitoring"
	ObserveMonitoring Action = "observe-monitoring"
)

// Actions lists every action.
func Actions() []Action {
	return []Action{
		Create, Update, Delete, Move, Import, ImportPlan, Approve, CorrectApproval, CarryOver,
		ResetPassword, ChangePassword, SetActive, SignIn, SignOut, SignInFailed, PasswordFailed, Throttled,
		SignInOIDC, SignInRefused, LinkOIDC,
		Submit, Return, ApproveSubmission, Reopen, SaveProgress, CorrectProgress,
		SendReport, CommentReport, AnswerComment, ValidateReport,
		SendMonitoring, ObserveMonitoring,
	}
}

// Entity is a kind of record.
type Entity string

// The kinds of record.
const (
	Organisation  Entity = "organisation"
	Cycle         Entity = "cycle"
	Period        Entity = "period"
	Centre        Entity = "centre" // a centre in a cycle
	Objective     Entity = "objective"
	Activity      Entity = "activity"
	Indicator     Entity = "indicator"
	User          Entity = "user"
	Access        Entity = "access" // a sign-in, a sign-out, a failed or refused attempt
	Submission    Entity = "submission"
	Reopening     Entity = "reopening"
	Progress      Entity = "progress"
	ReportTexts   Entity = "report_texts"
	Report        Entity = "report"
	ReportComment Entity = "report_comment"
	LegalNotices  Entity = "legal_notices" // the accessibility statement and the privacy notice
	// The mid-year monitoring report sent to the Nucleo, and its observations.
	MonitoringReport      Entity = "monitoring_report"
	MonitoringObservation Entity = "monitoring_observation"
	// PublicValues are the public values of a cycle's strategic areas (the
	// id is the cycle's).
	PublicValues Entity = "public_values"
)

// Entities lists every kind of record.
func Entities() []Entity {
	return []Entity{
		Organisation, Cycle, Period, Centre, Objective, Activity, Indicator, User, Access,
		Submission, Reopening, Progress, ReportTexts, Report, ReportComment, LegalNotices, PublicValues,
		MonitoringReport, MonitoringObservation,
	}
}

// Key is a key of a snapshot. The snapshots of plan rows are the rows as
// JSON (their columns), and some snapshots are built by SQL: their keys are
// here too, and a test checks the columns against them.
type Key string

// The keys of the snapshots.
const (
	KeyAchievementCap       Key = "achievement_cap"
	KeyActive               Key = "active"
	KeyActivities           Key = "activities"
	KeyAddress              Key = "address"
	KeyAnnual               Key = "annual"
	KeyAnswer               Key = "answer"
	KeyApprovalAct          Key = "approval_act"
	KeyApprovedOn           Key = "approved_on"
	KeyBandPartial          Key = "band_partial"
	KeyBandReached          Key = "band_reached"
	KeyBody                 Key = "body"
	KeyCentres              Key = "centres"
	KeyClosesOn             Key = "closes_on"
	KeyComment              Key = "comment"
	KeyContextHTML          Key = "context_html"
	KeyCycleCentreID        Key = "cycle_centre_id"
	KeyCycleID              Key = "cycle_id"
	KeyDescription          Key = "description"
	KeyDescriptionHTML      Key = "description_html"
	KeyEmail                Key = "email"
	KeyEndUsers             Key = "end_users"
	KeyEndsOn               Key = "ends_on"
	KeyExpected             Key = "expected"
	KeyForm                 Key = "form"
	KeyFrom                 Key = "from"
	KeyGenderHTML           Key = "gender_html"
	KeyGroupID              Key = "group_id"
	KeyGroups               Key = "groups"
	KeyIssuer               Key = "issuer"
	KeyID                   Key = "id"
	KeyIndicators           Key = "indicators"
	KeyIntroductionHTML     Key = "introduction_html"
	KeyJSONSHA256           Key = "json_sha256"
	KeyLimit                Key = "limit"
	KeyManager              Key = "manager"
	KeyName                 Key = "name"
	KeyNetworks             Key = "networks"
	KeyNotMeasurable        Key = "not_measurable"
	KeyNeutralisedBy        Key = "neutralised_by"
	KeyNeutralisedReason    Key = "neutralised_reason"
	KeyNumber               Key = "number"
	KeyObjectiveID          Key = "objective_id"
	KeyObjectiveLabel       Key = "objective_label"
	KeyObjectives           Key = "objectives"
	KeyOpenPoints           Key = "open_points"
	KeyOpensOn              Key = "opens_on"
	KeyOperationalObjective Key = "operational_objective"
	KeyOverridePct          Key = "override_pct"
	KeyOverrideReason       Key = "override_reason"
	KeyPDFSHA256            Key = "pdf_sha256"
	KeyPEGProject           Key = "peg_project"
	KeyPeriodID             Key = "period_id"
	KeyPeriodOverrides      Key = "period_overrides"
	KeyPeriods              Key = "periods"
	KeyPlannedAnnual        Key = "planned_annual"
	KeyPlannedFrom          Key = "planned_from"
	KeyPlannedTo            Key = "planned_to"
	KeyPolarity             Key = "polarity"
	KeyPosition             Key = "position"
	KeyProcessHTML          Key = "process_html"
	KeyProgress             Key = "progress"
	KeyPublicValues         Key = "public_values"
	KeyReason               Key = "reason"
	KeyReportID             Key = "report_id"
	KeyReports              Key = "reports"
	KeyRole                 Key = "role"
	KeyRounding             Key = "rounding"
	KeySection              Key = "section"
	KeyServices             Key = "services"
	KeyState                Key = "state"
	KeyStatus               Key = "status"
	KeyStrategicArea        Key = "strategic_area"
	KeySubject              Key = "subject"
	KeyTargets              Key = "targets"
	KeyTextHTML             Key = "text_html"
	KeyTitle                Key = "title"
	KeyTo                   Key = "to"
	KeyUnit                 Key = "unit"
	KeyUntil                Key = "until"
	KeyValidatedOn          Key = "validated_on"
	KeyValidationHTML       Key = "validation_html"
	KeyValue                Key = "value"
	KeyValues               Key = "values"
	KeyVersion              Key = "version"
	KeyWeight               Key = "weight"
	KeyYear                 Key = "year"

	// The legal notices (internal/legal).
	KeyAssessment        Key = "assessment"
	KeyController        Key = "controller"
	KeyControllerContact Key = "controller_contact"
	KeyDPOContact        Key = "dpo_contact"
	KeyFeedbackEmail     Key = "feedback_email"
	KeyNonAccessible     Key = "non_accessible"
	KeyOrganisationInfo  Key = "organisation_info"
	KeyPreparedOn        Key = "prepared_on"
	KeyRecipients        Key = "recipients"
	KeyRetention         Key = "retention"
	KeyReviewedOn        Key = "reviewed_on"
	KeySiteURL           Key = "site_url"
)

// Keys lists every snapshot key.
func Keys() []Key {
	return []Key{
		KeyAchievementCap, KeyActive, KeyActivities, KeyAddress, KeyAnnual, KeyAnswer, KeyApprovalAct,
		KeyApprovedOn, KeyBandPartial, KeyBandReached, KeyBody, KeyCentres, KeyClosesOn,
		KeyComment, KeyContextHTML, KeyCycleCentreID, KeyCycleID, KeyDescription, KeyDescriptionHTML,
		KeyEmail, KeyEndUsers, KeyEndsOn, KeyExpected, KeyForm, KeyFrom, KeyNotMeasurable,
		KeyGenderHTML, KeyGroupID, KeyGroups, KeyID, KeyIssuer, KeySubject, KeyIndicators, KeyIntroductionHTML,
		KeyJSONSHA256, KeyLimit, KeyManager, KeyName, KeyNetworks, KeyNeutralisedBy,
		KeyNeutralisedReason, KeyNumber, KeyObjectiveID, KeyObjectiveLabel, KeyObjectives, KeyOpenPoints,
		KeyOpensOn, KeyOperationalObjective, KeyOverridePct, KeyOverrideReason, KeyPDFSHA256, KeyPEGProject,
		KeyPeriodID, KeyPeriodOverrides, KeyPeriods, KeyPlannedAnnual, KeyPlannedFrom, KeyPlannedTo, KeyPolarity,
		KeyPosition, KeyProcessHTML, KeyProgress, KeyPublicValues, KeyReason, KeyReportID, KeyReports,
		KeyRole, KeyRounding, KeySection, KeyServices, KeyState, KeyStatus,
		KeyStrategicArea, KeyTargets, KeyTextHTML, KeyTitle, KeyTo, KeyUnit, KeyUntil,
		KeyValidatedOn, KeyValidationHTML, KeyValue, KeyValues, KeyVersion, KeyWeight, KeyYear,
		KeyAssessment, KeyController, KeyControllerContact, KeyDPOContact, KeyFeedbackEmail, KeyNonAccessible, KeyOrganisationInfo, KeyPreparedOn, KeyRecipients, KeyRetention, KeyReviewedOn, KeySiteURL,
	}
}

// Snapshot is a record as the audit log keeps it: a JSON object by key.
type Snapshot map[Key]any

// Limit is which ceiling of failed sign-in attempts was reached: the value
// of KeyLimit in a Throttled entry.
type Limit string

// The ceilings.
const (
	LimitPair    Limit = "pair"    // the same account from the same address (untrusted clients)
	LimitAccount Limit = "account" // the same account from anywhere (untrusted clients)
	LimitAddress Limit = "address" // the same address for any account (untrusted clients)
	LimitDevice  Limit = "device"  // the same account from a device it signed in on before
)

// Limits lists every ceiling.
func Limits() []Limit { return []Limit{LimitPair, LimitAccount, LimitAddress, LimitDevice} }

// Refusal is why a sign-in with the OpenID Connect provider was refused:
// the value of KeyReason in a SignInRefused entry.
type Refusal string

// The refusals.
const (
	RefusalUnknownEmail    Refusal = "unknown-email"    // no account has the verified e-mail
	RefusalUnverifiedEmail Refusal = "unverified-email" // the token has no e-mail, or not verified
	RefusalState           Refusal = "state"            // an answer no sign-in of this browser awaits (unknown, expired or used state)
	RefusalToken           Refusal = "token"            // the code or the ID token refused (signature, issuer, audience, expiry, nonce)
	RefusalInactive        Refusal = "inactive"         // the account is deactivated
	RefusalSubject         Refusal = "subject"          // the account is linked to another identity of the provider
	RefusalProvider        Refusal = "provider"         // the provider answered with an error (the user cancelled, no consent)
)

// Refusals lists every refusal.
func Refusals() []Refusal {
	return []Refusal{RefusalUnknownEmail, RefusalUnverifiedEmail, RefusalState, RefusalToken, RefusalInactive, RefusalSubject, RefusalProvider}
}
