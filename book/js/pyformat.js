// Python's format(x, "g") for the messages the engine shares with mlp_core, character for character.

/**
 * `format(x, "g")` as Python writes it: 6 significant digits rounded half to even, trailing zeros
 * dropped, and scientific notation when the exponent is below -4 or at least 6
 * (0.1 -> "0.1", 0.0001 -> "0.0001", 1e-05 -> "1e-05", 1234567 -> "1.23457e+06").
 * @param {number} x
 * @returns {string}
 */
export function formatG(x) {
  const precision = 6;
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  if (x === 0) return `${sign}0`;
  const [allDigits, exponent] = significantDigits(Math.abs(x), precision);
  const digits = allDigits.replace(/0+$/, "") || "0";
  if (exponent < -4 || exponent >= precision) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = String(Math.abs(exponent)).padStart(2, "0");
    return `${sign}${mantissa}e${exponent < 0 ? "-" : "+"}${e}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}${fraction ? `.${fraction}` : ""}`;
}

/**
 * The first `precision` significant digits of x > 0, rounded half to even as Python rounds, and
 * the decimal exponent of the first. JavaScript's toExponential rounds a tie away from zero, so an
 * exact tie (seen in the exact expansion of x, which toExponential(100) holds for any tie) whose
 * last kept digit is even is cut instead.
 * @returns {[string, number]}
 */
function significantDigits(x, precision) {
  const [rounded, roundedExponent] = x.toExponential(precision - 1).split("e");
  const [exact, exactExponent] = x.toExponential(100).split("e");
  const exactDigits = exact.replace(".", "");
  const tie =
    exactDigits[precision] === "5" && /^0*$/.test(exactDigits.slice(precision + 1));
  if (tie && Number(exactDigits[precision - 1]) % 2 === 0) {
    return [exactDigits.slice(0, precision), Number(exactExponent)];
  }
  return [rounded.replace(".", ""), Number(roundedExponent)];
}

/**
 * `format(x, f".{digits}f")` as Python writes it: `digits` decimals, rounded half to even on the
 * exact value of x (JavaScript's toFixed rounds an exact tie up), "-" kept on -0 and on negatives
 * that round to zero, "inf" and "nan" (formatFixed(0.125, 2) is "0.12", Python's f"{0.125:.2f}").
 * @param {number} x
 * @param {number} digits - 0 to 20
 * @returns {string}
 */
export function formatFixed(x, digits) {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const a = Math.abs(x);
  const decimals = digits > 0 ? `.${"0".repeat(digits)}` : "";
  if (a >= 1e21) return `${sign}${BigInt(a)}${decimals}`; // toFixed switches to exponents there
  const exact = a.toFixed(100); // the exact decimal expansion, as far as a tie can reach
  const cut = exact.indexOf(".") + (digits > 0 ? 1 + digits : 0);
  const rest = exact.slice(cut).replace(".", "");
  const kept = exact.slice(0, cut);
  if (rest[0] === "5" && /^0*$/.test(rest.slice(1)) && Number(kept.at(-1)) % 2 === 0) {
    return `${sign}${kept}`; // an exact tie whose last kept digit is even: Python rounds down
  }
  return `${sign}${a.toFixed(digits)}`;
}
