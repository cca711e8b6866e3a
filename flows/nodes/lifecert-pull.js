export { default } from './lifecert-pull.ts';
