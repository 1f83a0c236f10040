// SPDX-License-Identifier: MPL-2.0

// Package octoprint is a client for OctoPrint's REST API: users, their settings and
// API keys, groups and permissions. It knows nothing of Terraform.
//
// # Concurrency
//
// A Client lives for one provider configuration, that is for one OpenTofu command, and
// is safe for concurrent use: OpenTofu plans and applies up to ten resources at once.
//
// Snapshots. Reads come from the client's copy of the list OctoPrint serves (users,
// groups, permissions, application keys; see snapshot). Concurrent readers share one request, and later
// ones reuse its answer, so that refreshing a farm of N users costs one request. Every
// server counts its writes (its generation); a snapshot is valid for the generation
// it was read at. A write that OctoPrint answers with the whole list (adding, updating
// or deleting a user or a group) stores that answer as the snapshot of the new
// generation (writeUsers, writeGroups); any other write only moves the generation on,
// and the next read asks the server again. Groups and permissions have a generation of
// their own, moved only by writes to groups; so have application keys, whose writes
// move only theirs (the other lists do not show them).
//
// One write at a time. OctoPrint 1.10 and later lose users when two writes to its user
// file overlap, so every write to one server waits for the previous one to finish
// (sendAlone): within the process by a channel shared by every client of that server,
// and across the processes of this machine (one per provider block, or two runs at
// once) by a lock file keyed by the server (machineLock).
//
// Writes already sent are seen through. Once a write has left, it runs on a context
// detached from the caller's cancellation, each try bounded by the request timeout:
// abandoning it would leave the caller not knowing whether the server made the change.
// Only the waits between retries look at the caller's context (callerKey): a write that
// cannot have reached the server yet (every try so far was refused at connect) is given
// up with its caller.
package octoprint
