export { default } from './lifecert-feedback.ts';
