// Placeholder registered ahead of its implementation (issue 13).
import type { Analyzer } from '../types.js';

export const disruptionBudgets: Analyzer = () => [];
