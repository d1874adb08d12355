// Package auth holds who may do what: roles, the access policy, and password
// hashing. The policy table below is the only place that decides access:
// every route names the permission it needs and the router lets through
// only the roles that hold it (RoleHolds; a route without a permission stops
// the server at start); a handler acting on one centre's records asks
// Allowed with that centre; pages get what they may show as flags that the
// server computes with Allowed, and never ask the policy themselves.
package auth

import (
	"crypto/rand"
	"errors"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"

	"traguardo/internal/domain"
)

// Role is what a user is in the performance cycle.
type Role string

// The roles.
const (
	Admin     Role = "admin"        // users and settings
	Director  Role = "direttore"    // the whole plan, approvals, the report
	Manager   Role = "responsabile" // progress of his or her centres
	Evaluator Role = "nucleo"       // reads everything; comments, neutralisations, validation
	Observer  Role = "osservatore"  // reads only
)

// Roles lists every role, in the order shown on screen.
func Roles() []Role { return []Role{Admin, Director, Manager, Evaluator, Observer} }

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles(), r) }

// Label is the role's Italian name.
func (r Role) Label() string {
	switch r {
	case Admin:
		return "Amministratore"
	case Director:
		return "Direttore"
	case Manager:
		return "Responsabile di Area"
	case Evaluator:
		return "Nucleo di Valutazione"
	case Observer:
		return "Osservatore"
	}
	return string(r)
}

// User is a signed-in account.
type User struct {
	ID                 int64
	Email              string
	Name               string
	Role               Role
	Centres            []domain.CentreID // organisational centres a responsabile writes for
	Active             bool
	MustChangePassword bool
	SessionEpoch       int
	// Version counts the changes of the account, so that an administrator's
	// change of an account that moved on since it was shown is refused.
	Version int
	// Unread counts the account's unread notifications, up to UnreadMost,
	// as read with the account for the request (the menu shows it).
	Unread int
}

// UnreadMost is as far as the unread notifications are counted: the menu
// says "99+" beyond 99.
const UnreadMost = 100

// Permission is something a user may be allowed to do.
type Permission string

// The permissions; the policy table below says which roles hold each.
const (
	ReadCycle      Permission = "read-cycle"      // read plans, progress and reports
	WriteProgress  Permission = "write-progress"  // enter progress of a centre (needs the centre)
	EditPlan       Permission = "edit-plan"       // build and vary the plan, import
	ApprovePlan    Permission = "approve-plan"    // approve the plan, approve or return submissions
	Neutralise     Permission = "neutralise"      // neutralise an indicator, with a reason
	Comment        Permission = "comment"         // the Nucleo's comments
	Validate       Permission = "validate"        // the Nucleo's validation of the report
	SendReport     Permission = "send-report"     // send the report to the Nucleo, answer its comments
	ManageUsers    Permission = "manage-users"    // create, edit, reset, deactivate accounts
	ReadAudit      Permission = "read-audit"      // browse the audit log
	ChangePassword Permission = "change-password" // change one's own password
	EditLegal      Permission = "edit-legal"      // the accessibility statement and the privacy notice
)

var policy = map[Permission][]Role{
	ReadCycle:      {Admin, Director, Manager, Evaluator, Observer},
	WriteProgress:  {Manager},
	EditPlan:       {Admin, Director},
	ApprovePlan:    {Director},
	Neutralise:     {Director, Evaluator},
	Comment:        {Evaluator},
	Validate:       {Evaluator},
	SendReport:     {Director},
	ManageUsers:    {Admin},
	ReadAudit:      {Admin, Evaluator},
	ChangePassword: {Admin, Director, Manager, Evaluator, Observer},
	EditLegal:      {Admin},
}

// Allowed reports whether u may do p. centreID names the organisational
// centre for WriteProgress and is ignored otherwise. A nil or inactive user
// may do nothing.
func Allowed(u *User, p Permission, centreID domain.CentreID) bool {
	if u == nil || !u.Active || !slices.Contains(policy[p], u.Role) {
		return false
	}
	if p == WriteProgress {
		return slices.Contains(u.Centres, centreID)
	}
	return true
}

// RoleHolds reports whether role r holds p for at least some record; routes
// check it, and handlers then ask Allowed about the record itself.
func RoleHolds(r Role, p Permission) bool { return slices.Contains(policy[p], r) }

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 12

// ErrWeakPassword is returned for a password too short to accept.
var ErrWeakPassword = errors.New("la password deve avere almeno " + strconv.Itoa(MinPasswordLength) + " caratteri")

// CheckPasswordStrength returns ErrWeakPassword for a password too short.
func CheckPasswordStrength(p string) error {
	if utf8.RuneCountInString(p) < MinPasswordLength {
		return ErrWeakPassword
	}
	return nil
}

// HashPassword returns the argon2id hash of p.
func HashPassword(p string) (string, error) {
	return argon2id.CreateHash(p, argon2id.DefaultParams)
}

// CheckPassword reports whether p matches hash.
func CheckPassword(hash, p string) bool {
	ok, err := argon2id.ComparePasswordAndHash(p, hash)
	return err == nil && ok
}

// NewDummyHash returns the hash of a random password. A sign-in for an unknown
// email is checked against it, so it takes as long as one for a known email.
func NewDummyHash() string {
	h, err := HashPassword(NewPassword())
	if err != nil {
		panic(err) // argon2id fails only when the system has no randomness
	}
	return h
}

// NewPassword returns a random one-time password that is easy to read aloud:
// no 0/O or 1/l/I.
func NewPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
