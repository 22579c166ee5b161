package sweep

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/noetherlab/noether/kernel/internal/atomicfile"
)

// SlurmSettings are the resources of each task of a sweep's job array.
type SlurmSettings struct {
	Partition string // --partition; "" for the cluster's default
	Time      string // --time, e.g. "30:00"; "" for the partition's default
	CPUs      int    // --cpus-per-task; 0 for the default
	Mem       string // --mem, e.g. "4G"; "" for the default
	// MaxRunning, if positive, bounds the tasks running at once (the
	// array's %N).
	MaxRunning int
	// TestOnly asks sbatch to check the submission (--test-only: the
	// script, the resources, the partition) without submitting it.
	TestOnly bool
	Extra    []string // further sbatch arguments, as they are
	// Executable is the nbexec the tasks run; it is copied into the
	// sweep's directory (bin/nbexec), on the shared filesystem, so that a
	// `go run` binary, removed when it exits, still serves tasks that start
	// later.
	Executable string
}

// TaskLog is where the Slurm task of the point with index i writes its
// output.
func TaskLog(dir string, i int) string {
	return filepath.Join(dir, "logs", strconv.Itoa(i)+".log")
}

// CheckSlurm reports whether the Slurm commands a sweep needs are on PATH.
func CheckSlurm() error {
	for _, c := range []string{"sbatch", "squeue"} {
		if _, err := exec.LookPath(c); err != nil {
			return fmt.Errorf("-slurm: %s not found on PATH: Slurm's client commands are needed to submit the sweep", c)
		}
	}
	return nil
}

// Submit submits the points of m not done as one Slurm job array, a task
// per point (its array index is the point's index in the manifest), whose
// tasks run `nbexec sweep-task DIR` from m.Root. It returns the job id and
// the points submitted; with none missing it submits nothing and returns
// "" (also with s.TestOnly, which submits nothing). The batch script is kept as DIR/slurm/job.sh and each job id is
// appended to DIR/slurm/jobs. A cluster's MaxArraySize (1001 by default)
// bounds the indices: a larger sweep is an error from sbatch.
func (m *Manifest) Submit(ctx context.Context, dir string, s SlurmSettings) (jobID string, pts []Point, err error) {
	if err := CheckSlurm(); err != nil {
		return "", nil, err
	}
	pts = m.Missing(dir)
	if len(pts) == 0 {
		return "", nil, nil
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return "", nil, err
	}
	for _, d := range []string{"logs", "slurm", "bin"} {
		if err := os.MkdirAll(filepath.Join(absDir, d), 0o755); err != nil {
			return "", nil, err
		}
	}
	bin := filepath.Join(absDir, "bin", "nbexec")
	if err := copyExecutable(s.Executable, bin); err != nil {
		return "", nil, err
	}
	idx := make([]int, len(pts))
	for i, p := range pts {
		idx[i] = p.Index
	}
	script := fmt.Sprintf(`#!/bin/sh
# A sweep of %s: one task per point, written by nbexec sweep -slurm.
#SBATCH --job-name=nbexec-sweep
#SBATCH --output=%s
cd %s || exit 1
exec %s sweep-task %s
`, m.Notebook, filepath.Join(absDir, "logs", "%a.log"), shQuote(m.Root), shQuote(bin), shQuote(absDir))
	scriptPath := filepath.Join(absDir, "slurm", "job.sh")
	if err := atomicfile.Write(scriptPath, []byte(script), 0o755); err != nil {
		return "", nil, err
	}
	array := ArraySpec(idx)
	if s.MaxRunning > 0 {
		array += "%" + strconv.Itoa(s.MaxRunning)
	}
	args := []string{"--parsable", "--array=" + array}
	if s.Partition != "" {
		args = append(args, "--partition="+s.Partition)
	}
	if s.Time != "" {
		args = append(args, "--time="+s.Time)
	}
	if s.CPUs > 0 {
		args = append(args, "--cpus-per-task="+strconv.Itoa(s.CPUs))
	}
	if s.Mem != "" {
		args = append(args, "--mem="+s.Mem)
	}
	args = append(args, s.Extra...)
	if s.TestOnly {
		args = append(args, "--test-only")
	}
	args = append(args, scriptPath)
	cmd := exec.CommandContext(ctx, "sbatch", args...)
	cmd.Dir = absDir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", nil, fmt.Errorf("sbatch %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	if s.TestOnly {
		return "", pts, nil
	}
	jobID, _, _ = strings.Cut(strings.TrimSpace(string(out)), ";")
	if _, err := strconv.Atoi(jobID); err != nil {
		return "", nil, fmt.Errorf("sbatch answered %q, not a job id", strings.TrimSpace(string(out)))
	}
	f, err := os.OpenFile(filepath.Join(absDir, "slurm", "jobs"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err == nil {
		fmt.Fprintf(f, "%s %s %d points\n", jobID, time.Now().UTC().Format(time.RFC3339), len(pts))
		f.Close()
	}
	return jobID, pts, nil
}

// ArraySpec writes indices (ascending) as sbatch --array wants them:
// runs of consecutive indices as first-last, joined by commas.
func ArraySpec(idx []int) string {
	var parts []string
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && idx[j+1] == idx[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(idx[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", idx[i], idx[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// Wait waits until no task of the Slurm job is pending or running, asking
// squeue every poll.
func Wait(ctx context.Context, jobID string, poll time.Duration) error {
	for {
		out, err := exec.CommandContext(ctx, "squeue", "-h", "-j", jobID, "-t", "all", "-o", "%T").CombinedOutput()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			// A job that ended long ago is forgotten by the controller.
			if strings.Contains(string(out), "Invalid job id") {
				return nil
			}
			return fmt.Errorf("squeue -j %s: %v: %s", jobID, err, strings.TrimSpace(string(out)))
		}
		active := false
		for _, st := range strings.Fields(string(out)) {
			if !terminal[st] {
				active = true
			}
		}
		if !active {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(poll):
		}
	}
}

var terminal = map[string]bool{
	"COMPLETED": true, "FAILED": true, "CANCELLED": true, "TIMEOUT": true, "OUT_OF_MEMORY": true,
	"NODE_FAIL": true, "PREEMPTED": true, "BOOT_FAIL": true, "DEADLINE": true, "REVOKED": true,
	"SPECIAL_EXIT": true,
}

// Tail returns the last n lines of the file at path, or "" if it cannot
// be read.
func Tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func copyExecutable(src, dst string) error {
	if src == "" {
		return errors.New("-slurm: the nbexec executable to run in the tasks is not known")
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".nbexec-*")
	if err != nil {
		return err
	}
	_, err = io.Copy(tmp, in)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o755)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), dst)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("copying nbexec for the tasks: %w", err)
	}
	return nil
}

// shQuote quotes s for the shell.
func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
