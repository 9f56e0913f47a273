//go:build !unix

package browserusetest

import (
	"os"
	"os/exec"
)

// setProcessGroup: no process groups here; Stop kills the browser process.
func setProcessGroup(*exec.Cmd) {}

// killGroup kills the process pid (Chromium ends its helpers when the
// browser process dies).
func killGroup(pid int) {
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Kill()
	}
}

// killStragglers: nothing more to do without process groups.
func killStragglers(int, string) {}
