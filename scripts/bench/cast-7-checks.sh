#!/usr/bin/env bash
# The 7 read-only checks of the benchmark's checklist as a shell script around `cast` (Foundry's
# native binary), the way one would write them without l2preflight: head age, a 100-block cadence, the
# sequencer uptime feed, three price feeds, a USDC + ETH insurance fund. It makes the same reads through
# the same RPC URL so the benchmark can compare wall time and requests; it judges only roughly.
#
# Environment: CAST (the binary), RPC, UPTIME_FEED, FEEDS (three addresses, space-separated; the first
# prices the fund's ether), USDC, FUND.
set -euo pipefail

c() { "$CAST" "$@" --rpc-url "$RPC"; }
ROUND='latestRoundData()(uint80,int256,uint256,uint256,uint80)'
now=$(date +%s)
failed=0

# Head age and cadence: the head's number, then the timestamps of the last 100 intervals.
head=$(c block-number)
prev=''
max_gap=0
for ((n = head; n >= head - 100; n--)); do
  ts=$(c block "$n" --field timestamp)
  if [[ -z "$prev" ]]; then
    age=$((now - ts))
    echo "head-fresh: head $head is ${age}s old"
    ((age <= 30)) || failed=1
  else
    gap=$((prev - ts))
    ((gap > max_gap)) && max_gap=$gap
  fi
  prev=$ts
done
echo "cadence: largest gap ${max_gap}s over 100 blocks"
((max_gap <= 60)) || failed=1

# Uptime feed: answer 0 = up, startedAt = since when.
mapfile -t up < <(c call "$UPTIME_FEED" "$ROUND" | awk '{print $1}')
echo "sequencer-up: answer ${up[1]}, since $((now - up[2]))s"
[[ "${up[1]}" == 0 ]] && ((now - up[2] >= 3600)) || failed=1

# Price feeds: latest round and decimals.
eth_price=''
for feed in $FEEDS; do
  mapfile -t round < <(c call "$feed" "$ROUND" | awk '{print $1}')
  decimals=$(c call "$feed" 'decimals()(uint8)')
  age=$((now - round[3]))
  echo "price $feed: ${round[1]} (${decimals} decimals), ${age}s old"
  ((age <= 3900)) || failed=1
  if [[ -z "$eth_price" ]]; then eth_price=${round[1]}; eth_decimals=$decimals; fi
done

# Insurance fund: USDC at 1 USD plus ether at the first feed's price.
usdc=$(c call "$USDC" 'balanceOf(address)(uint256)' "$FUND" | awk '{print $1}')
usdc_decimals=$(c call "$USDC" 'decimals()(uint8)')
wei=$(c balance "$FUND")
usd=$(awk -v u="$usdc" -v ud="$usdc_decimals" -v w="$wei" -v p="$eth_price" -v pd="$eth_decimals" \
  'BEGIN { printf "%.0f", u / 10^ud + (w / 1e18) * (p / 10^pd) }')
echo "insurance-fund: ${usd} USD"
((usd >= 1000000)) || failed=1

exit "$failed"
