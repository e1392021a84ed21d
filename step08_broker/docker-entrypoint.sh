#!/bin/bash
# The entrypoint of step 08's image: sets AMQP_ADDR, the broker address the three programs read,
# from AMQP_USER, AMQP_PASSWORD and AMQP_HOST, then runs its arguments (`hardened --workers external`,
# `hardened-service1`, ...). The user and password are percent-encoded, so any character works in them:
# written into the address as they are, `@ / : % # ?` would cut it in the wrong places.
# An AMQP_ADDR already set is left as it is.
set -euo pipefail

percent_encode() {
  local LC_ALL=C text=$1 encoded='' char i
  for ((i = 0; i < ${#text}; i++)); do
    char=${text:i:1}
    case $char in
      [A-Za-z0-9._~-]) encoded+=$char ;;
      *) printf -v char '%%%02X' "'$char" && encoded+=$char ;;
    esac
  done
  printf '%s' "$encoded"
}

if [ -z "${AMQP_ADDR:-}" ] && [ -n "${AMQP_USER:-}" ]; then
  user=$(percent_encode "$AMQP_USER")
  password=$(percent_encode "${AMQP_PASSWORD:-}")
  export AMQP_ADDR="amqp://$user:$password@${AMQP_HOST:-rabbitmq}:5672/%2f"
fi
exec "$@"
