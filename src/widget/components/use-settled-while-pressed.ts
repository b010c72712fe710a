'use client';
import { useState, useSyncExternalStore } from 'react';

// One document-wide record of whether a mouse button or finger is down, shared by every field.
let pressed = false;
let releaseTimer: ReturnType<typeof setTimeout> | null = null;
const listeners = new Set<() => void>();

function setPressed(next: boolean): void {
  if (pressed === next) return;
  pressed = next;
  for (const listener of listeners) listener();
}

function onPress(): void {
  if (releaseTimer !== null) clearTimeout(releaseTimer);
  releaseTimer = null;
  setPressed(true);
}

function onRelease(): void {
  if (!pressed || releaseTimer !== null) return;
  // After the task that dispatches mouseup and click: the click must land on what was pressed.
  releaseTimer = setTimeout(() => {
    releaseTimer = null;
    setPressed(false);
  }, 0);
}

const PRESS = ['pointerdown', 'mousedown'] as const;
const RELEASE = ['pointerup', 'mouseup', 'pointercancel', 'dragend'] as const;

function subscribe(listener: () => void): () => void {
  if (listeners.size === 0 && typeof document !== 'undefined') {
    for (const type of PRESS) document.addEventListener(type, onPress, true);
    for (const type of RELEASE) document.addEventListener(type, onRelease, true);
    window.addEventListener('blur', onRelease);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && typeof document !== 'undefined') {
      for (const type of PRESS) document.removeEventListener(type, onPress, true);
      for (const type of RELEASE) document.removeEventListener(type, onRelease, true);
      window.removeEventListener('blur', onRelease);
      if (releaseTimer !== null) clearTimeout(releaseTimer);
      releaseTimer = null;
      pressed = false;
    }
  };
}

const isPressed = () => pressed;
const notPressedOnServer = () => false;

/**
 * Holds a value that changes the layout (a field's error message) still while a mouse button or
 * finger is down, and lets it through once the press is over. A press on Next blurs the field,
 * and validation on blur adds or removes the error line above the button; without this hold the
 * button moves between mousedown and mouseup and the click misses it. Keyboard changes pass at once.
 *
 * @example
 * const shownError = useSettledWhilePressed(error);
 */
export function useSettledWhilePressed<T>(value: T): T {
  const down = useSyncExternalStore(subscribe, isPressed, notPressedOnServer);
  const [held, setHeld] = useState(value);
  // Follows the value whenever nothing is pressed (state adjusted during render, not in an effect).
  if (!down && held !== value) setHeld(value);
  return down ? held : value;
}
