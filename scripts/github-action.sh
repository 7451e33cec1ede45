#!/usr/bin/env bash
# The composite action's review step (action.yml): for each policy, validate, lint, test and,
# against the pull request's base, diff. Every command runs even after one fails, so the
# annotations and the step summary show everything at once; the step fails when any did.
#
# Environment: PREFLIGHT (how to run preflight, e.g. "node /path/bin/preflight.js"),
# PREFLIGHT_POLICIES (newline- or space-separated), PREFLIGHT_BASE (a git revision or empty),
# PREFLIGHT_MIN_COVERAGE (default 100), PREFLIGHT_STRICT (true/false). GITHUB_ACTIONS=true
# makes preflight write annotations and append to $GITHUB_STEP_SUMMARY itself.
set -uo pipefail

read -r -a preflight <<<"${PREFLIGHT:-preflight}"
min_coverage="${PREFLIGHT_MIN_COVERAGE:-100}"
strict=()
[ "${PREFLIGHT_STRICT:-true}" = "true" ] && strict=(--strict)

policies=()
while read -r line; do
  for word in $line; do policies+=("$word"); done
done <<<"${PREFLIGHT_POLICIES:-}"
if [ ${#policies[@]} -eq 0 ]; then
  if [ -e preflight.yaml ]; then policies=(preflight.yaml)
  elif [ -e .preflight ]; then policies=(.preflight)
  else
    echo "::error::no policy found: give the action's 'policies' input, or add preflight.yaml"
    exit 1
  fi
fi

failed=0
step() {
  echo "::group::preflight $*"
  "${preflight[@]}" "$@"
  local code=$?
  echo "::endgroup::"
  if [ "$code" -ne 0 ]; then
    echo "preflight $*: exit $code"
    failed=1
  fi
}

step policy validate "${policies[@]}"
step policy lint "${strict[@]}" "${policies[@]}"
step policy test --min-coverage "$min_coverage" "${policies[@]}"

base="${PREFLIGHT_BASE:-}"
if [ -n "$base" ]; then
  for policy in "${policies[@]}"; do
    # git:REV:path takes the path from the repository's top; ./ for the working folder.
    path="$(git rev-parse --show-prefix)${policy#./}"
    if git cat-file -e "$base:$path" 2>/dev/null; then
      step policy diff "git:$base:$path" "$policy"
    else
      echo "$policy is new in this change: nothing to compare it with at $base"
      if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
        printf '### policy diff `%s`\n\nnew in this change: review it whole.\n\n' "$policy" >>"$GITHUB_STEP_SUMMARY"
      fi
    fi
  done
else
  echo "no base revision (not a pull request): policy diff skipped"
fi

exit "$failed"
