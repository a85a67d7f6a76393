package cli

import (
	"flag"
	"fmt"

	"ersatzraum/server/accounts"
	"ersatzraum/server/admission"
	"ersatzraum/server/httpapi"
)

// limitsConfig are the per-address limits and storage quotas an admin may
// change (issue 16): how IPv6 addresses are grouped, how many connections
// one address may hold open, and how much a student or a class may hand in.
type limitsConfig struct {
	ipv6Prefix      int
	maxOpen         int
	quotaStudentMiB int
	quotaClassMiB   int
}

func (c *limitsConfig) flags(fs *flag.FlagSet) {
	fs.IntVar(&c.ipv6Prefix, "ipv6-prefix", admission.DefaultLimits.IPv6PrefixBits, "count IPv6 clients per network of this prefix `LENGTH` (1–128) for every per-address limit; 64 is one home or school")
	fs.IntVar(&c.maxOpen, "max-connections-per-address", admission.DefaultLimits.MaxOpen, "open WebSocket connections one address (a school's NAT) may hold at once")
	fs.IntVar(&c.quotaStudentMiB, "handin-quota-student", int(httpapi.DefaultQuota.Student>>20), "MiB of hand-in files one student may store, all assignments together")
	fs.IntVar(&c.quotaClassMiB, "handin-quota-class", int(httpapi.DefaultQuota.Class>>20), "MiB of hand-in files one class may store, all students together")
}

func (c *limitsConfig) check() error {
	switch {
	case c.ipv6Prefix < 1 || c.ipv6Prefix > 128:
		return fmt.Errorf("--ipv6-prefix %d: use 1 to 128", c.ipv6Prefix)
	case c.maxOpen < 1:
		return fmt.Errorf("--max-connections-per-address %d: use at least 1", c.maxOpen)
	case c.quotaStudentMiB < 1 || c.quotaClassMiB < 1:
		return fmt.Errorf("--handin-quota-student and --handin-quota-class need at least 1 MiB")
	}
	return nil
}

func (c *limitsConfig) gate() admission.Limits {
	l := admission.DefaultLimits
	l.IPv6PrefixBits, l.MaxOpen = c.ipv6Prefix, c.maxOpen
	return l
}

func (c *limitsConfig) throttle() accounts.ThrottleLimits {
	l := accounts.DefaultThrottleLimits
	l.IPv6PrefixBits = c.ipv6Prefix
	return l
}

func (c *limitsConfig) quota() httpapi.Quota {
	return httpapi.Quota{Student: int64(c.quotaStudentMiB) << 20, Class: int64(c.quotaClassMiB) << 20}
}
